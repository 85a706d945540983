//! Flattens an xAPI status tree into `Key.Path[id].Leaf = value` pairs, the notation people
//! type and read (`Audio.Volume = 70`, `Call[1].Status = "Connected"`).

use serde_json::Value;

/// Every leaf of `tree` with its dotted path, in the tree's order.
///
/// Objects add `.Key`; arrays of objects add `[id]` from each item's `id` (number or string;
/// the position, from 1, when an item has none); arrays of plain values are kept as one value.
/// Empty objects (an unknown status path answers `{}`) produce nothing.
pub fn flatten_status(tree: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    walk(tree, String::new(), &mut out);
    out
}

fn walk(node: &Value, path: String, out: &mut Vec<(String, Value)>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(child, child_path, out);
            }
        }
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            for (position, item) in items.iter().enumerate() {
                let id = item
                    .get("id")
                    .map_or_else(|| (position + 1).to_string(), id_text);
                let mut rest = item.clone();
                if let Some(fields) = rest.as_object_mut() {
                    fields.remove("id");
                }
                walk(&rest, format!("{path}[{id}]"), out);
            }
        }
        leaf if !path.is_empty() => out.push((path, leaf.clone())),
        _ => {}
    }
}

fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(tree: Value) -> Vec<(String, Value)> {
        flatten_status(&tree)
    }

    #[test]
    fn nested_objects_become_dotted_keys() {
        let flat = pairs(json!({"Audio": {"Volume": 70, "Microphones": {"Mute": "Off"}}}));
        assert_eq!(
            flat,
            vec![
                ("Audio.Volume".to_owned(), json!(70)),
                ("Audio.Microphones.Mute".to_owned(), json!("Off")),
            ]
        );
    }

    #[test]
    fn array_items_carry_numeric_or_string_ids() {
        let flat = pairs(json!({
            "Call": [{"id": 1, "Status": "Connected"}, {"id": "7", "Status": "OnHold"}],
            "Peripherals": {"ConnectedDevice": [{"id": "abc", "Name": "Navigator"}, {"Name": "Nameless"}]}
        }));
        assert_eq!(
            flat,
            vec![
                ("Call[1].Status".to_owned(), json!("Connected")),
                ("Call[7].Status".to_owned(), json!("OnHold")),
                (
                    "Peripherals.ConnectedDevice[abc].Name".to_owned(),
                    json!("Navigator")
                ),
                (
                    "Peripherals.ConnectedDevice[2].Name".to_owned(),
                    json!("Nameless")
                ),
            ]
        );
    }

    #[test]
    fn empty_result_and_scalar_arrays() {
        assert!(pairs(json!({})).is_empty());
        assert_eq!(
            pairs(json!({"A": {"List": [1, 2]}})),
            vec![("A.List".to_owned(), json!([1, 2]))]
        );
    }
}
