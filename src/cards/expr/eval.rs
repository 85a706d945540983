//! Evaluation of [`Expr`] against template data, with `adaptive-expressions` semantics:
//! JavaScript truthiness (`isLogicTrue`: only `false`, `null` and undefined are false),
//! case-insensitive property lookup, and the templating SDK's "null substitution" (an undefined
//! path evaluates to the text `${path}`, except inside `if` conditions, `not`, `and`, `or` and
//! comparisons).

use serde_json::{Number, Value};

use super::{Expr, Root, Segment};

/// A JavaScript value as far as templates can see it: `None` is `undefined`.
pub type Js = Option<Value>;

/// A binding that failed to evaluate (the SDK reports it as an error too).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct EvalError(pub String);

/// The data a binding sees: the whole data (`$root`), the current scope (`$data`) and `$index`.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// `$root`.
    pub root: &'a Value,
    /// `$data` (`$root` when no `$data` has been set).
    pub data: &'a Value,
    /// `$index`, inside a repeated `$data` array.
    pub index: Option<usize>,
}

impl Expr {
    /// Evaluates the expression; `substitute` turns undefined paths into `${path}` text.
    pub fn evaluate(&self, ctx: &Context<'_>, substitute: bool) -> Result<Js, EvalError> {
        match self {
            Self::Constant(v) => Ok(Some(v.clone())),
            Self::Path {
                root,
                segments,
                text,
            } => {
                let found = lookup(ctx, root, segments);
                Ok(match found {
                    None if substitute => Some(Value::String(format!("${{{text}}}"))),
                    other => other,
                })
            }
            Self::Call { name, args } => call(name, args, ctx, substitute),
        }
    }
}

fn lookup(ctx: &Context<'_>, root: &Root, segments: &[Segment]) -> Js {
    let index_value;
    let mut current: &Value = match root {
        Root::Data => ctx.data,
        Root::Root => ctx.root,
        Root::Index => {
            index_value = Value::from(ctx.index?);
            &index_value
        }
    };
    for segment in segments {
        current = match (segment, current) {
            (Segment::Index(i), Value::Array(items)) => items.get(usize::try_from(*i).ok()?)?,
            (Segment::Name(n), Value::Array(items)) => items.get(js_parse_int(n)?)?,
            (Segment::Name(key), v) => property(v, key)?,
            (Segment::Key(key), v) => property(v, key)?,
            (Segment::Index(i), v) => property(v, &i.to_string())?,
        };
    }
    Some(current.clone())
}

/// `accessProperty`: objects only, first key equal ignoring case.
fn property<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    let Value::Object(map) = value else {
        return None;
    };
    let wanted = key.to_lowercase();
    map.iter()
        .find(|(k, _)| k.to_lowercase() == wanted)
        .map(|(_, v)| v)
}

/// JavaScript `parseInt` for a path part: leading digits.
fn js_parse_int(text: &str) -> Option<usize> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `isLogicTrue`: everything is true except `false`, `null` and undefined.
fn truthy(value: &Js) -> bool {
    !matches!(value, None | Some(Value::Null) | Some(Value::Bool(false)))
}

fn call(name: &str, args: &[Expr], ctx: &Context<'_>, substitute: bool) -> Result<Js, EvalError> {
    match name {
        "if" => {
            let condition = args[0].evaluate(ctx, false);
            let branch = if condition.as_ref().is_ok_and(truthy) {
                &args[1]
            } else {
                &args[2]
            };
            branch.evaluate(ctx, substitute)
        }
        "not" => Ok(Some(Value::Bool(
            !args[0].evaluate(ctx, false).as_ref().is_ok_and(truthy),
        ))),
        "and" => {
            Ok(Some(Value::Bool(args.iter().all(|a| {
                a.evaluate(ctx, false).as_ref().is_ok_and(truthy)
            }))))
        }
        "or" => {
            // Like the SDK: `true` if any argument is true, else the last argument's own value.
            let mut last = None;
            for arg in args {
                last = arg.evaluate(ctx, false).unwrap_or(None);
                if truthy(&last) {
                    return Ok(Some(Value::Bool(true)));
                }
            }
            Ok(last)
        }
        "equals" | "greater" | "less" | "empty" => comparison(name, args, ctx),
        _ => {
            let values = args
                .iter()
                .map(|a| a.evaluate(ctx, substitute))
                .collect::<Result<Vec<_>, _>>()?;
            apply(name, values)
        }
    }
}

/// Comparisons evaluate without substitution; a failing argument makes them `false`.
fn comparison(name: &str, args: &[Expr], ctx: &Context<'_>) -> Result<Js, EvalError> {
    let mut values = Vec::with_capacity(args.len());
    for arg in args {
        let Ok(value) = arg.evaluate(ctx, false) else {
            return Ok(Some(Value::Bool(false)));
        };
        let rejected = match name {
            "greater" | "less" => matches!(value, None | Some(Value::Null)),
            "empty" => matches!(value, Some(Value::Bool(_) | Value::Number(_))),
            _ => false,
        };
        if rejected {
            return Ok(Some(Value::Bool(false)));
        }
        values.push(value);
    }
    let result = match name {
        "equals" => js_equals(&values[0], &values[1]),
        "empty" => match &values[0] {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Object(o)) => o.is_empty(),
            Some(_) => false,
        },
        _ => compare(name, &values[0], &values[1])?,
    };
    Ok(Some(Value::Bool(result)))
}

fn compare(name: &str, a: &Js, b: &Js) -> Result<bool, EvalError> {
    let ordering = match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => as_f64(x).partial_cmp(&as_f64(y)),
        (Some(Value::String(x)), Some(Value::String(y))) => {
            Some(x.encode_utf16().cmp(y.encode_utf16()))
        }
        _ => {
            return Err(EvalError(format!(
                "{} and {} must be comparable.",
                display(a),
                display(b)
            )));
        }
    };
    let wanted = if name == "greater" {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Less
    };
    Ok(ordering == Some(wanted))
}

/// `commonEquals`: null and undefined are equal to each other only; numbers within epsilon.
fn js_equals(a: &Js, b: &Js) -> bool {
    match (a, b) {
        (None | Some(Value::Null), None | Some(Value::Null)) => true,
        (None | Some(Value::Null), _) | (_, None | Some(Value::Null)) => false,
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            (as_f64(x) - as_f64(y)).abs() < f64::EPSILON
        }
        (Some(x), Some(y)) => x == y,
    }
}

fn apply(name: &str, values: Vec<Js>) -> Result<Js, EvalError> {
    match name {
        "count" => match values.into_iter().next().flatten() {
            Some(Value::String(s)) => Ok(Some(Value::from(s.encode_utf16().count()))),
            Some(Value::Array(a)) => Ok(Some(Value::from(a.len()))),
            Some(Value::Object(o)) => Ok(Some(Value::from(o.len()))),
            other => Err(EvalError(format!(
                "{} is not a string, list or object",
                display(&other)
            ))),
        },
        "concat" => Ok(values.into_iter().reduce(concat_pair).flatten()),
        "add" => add(&values[0], &values[1]),
        "join" => match (&values[0], &values[1]) {
            (Some(Value::Array(items)), Some(separator)) => {
                Ok(Some(Value::String(join(items, &js_to_string(separator)))))
            }
            _ => Err(EvalError("join needs a list".into())),
        },
        _ => Err(EvalError(format!("unknown function {name}"))),
    }
}

fn concat_pair(a: Js, b: Js) -> Js {
    let is_null = |v: &Js| matches!(v, None | Some(Value::Null));
    match (a, b) {
        (a, b) if is_null(&a) && is_null(&b) => None,
        (a, Some(Value::Array(y))) if is_null(&a) => Some(Value::Array(y)),
        (Some(Value::Array(x)), b) if is_null(&b) => Some(Value::Array(x)),
        (Some(Value::Array(mut x)), Some(Value::Array(y))) => {
            x.extend(y);
            Some(Value::Array(x))
        }
        (a, b) => Some(Value::String(common_stringify(&a) + &common_stringify(&b))),
    }
}

/// `commonStringify`: null is empty, objects and lists are JSON without surrounding quotes.
fn common_stringify(value: &Js) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(v @ (Value::Object(_) | Value::Array(_))) => {
            let json = v.to_string();
            json.trim_start_matches(['\'', '"'])
                .trim_end_matches(['\'', '"'])
                .to_owned()
        }
        Some(v) => js_to_string(v),
    }
}

fn add(a: &Js, b: &Js) -> Result<Js, EvalError> {
    for v in [a, b] {
        if !matches!(v, None | Some(Value::String(_) | Value::Number(_))) {
            return Err(EvalError(format!(
                "{} is neither a number nor string",
                display(v)
            )));
        }
    }
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => Ok(Some(number_sum(x, y))),
        (None, Some(Value::Number(_))) | (Some(Value::Number(_)), None) => Err(EvalError(
            "Operator '+' or add cannot be applied to operands of type 'number' and null object."
                .into(),
        )),
        (a, b) => Ok(Some(Value::String(
            a.as_ref().map(js_to_string).unwrap_or_default()
                + &b.as_ref().map(js_to_string).unwrap_or_default(),
        ))),
    }
}

fn number_sum(x: &Number, y: &Number) -> Value {
    if let (Some(a), Some(b)) = (x.as_i64(), y.as_i64())
        && let Some(sum) = a.checked_add(b)
    {
        return Value::from(sum);
    }
    js_number(as_f64(x) + as_f64(y))
}

/// A JavaScript number as JSON: integral values become integers, as `JSON.stringify` prints them.
fn js_number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Value::from(n as i64);
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

fn as_f64(n: &Number) -> f64 {
    n.as_f64().unwrap_or(f64::NAN)
}

fn join(items: &[Value], separator: &str) -> String {
    let texts: Vec<String> = items
        .iter()
        .map(|v| {
            if v.is_null() {
                String::new()
            } else {
                js_to_string(v)
            }
        })
        .collect();
    texts.join(separator)
}

fn display(value: &Js) -> String {
    value
        .as_ref()
        .map_or_else(|| "undefined".into(), js_to_string)
}

/// JavaScript's `String(value)`: how the SDK turns a binding's value into text inside a string.
pub fn js_to_string(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        Value::Number(n) => js_float_to_string(as_f64(n)),
        Value::Array(items) => join(items, ","),
        Value::Object(_) => "[object Object]".into(),
    }
}

fn js_float_to_string(n: f64) -> String {
    let magnitude = n.abs();
    if n.fract() == 0.0 && magnitude < 1e21 {
        return format!("{n:.0}");
    }
    if magnitude >= 1e21 || (magnitude < 1e-6 && magnitude > 0.0) {
        let text = format!("{n:e}");
        return match text.split_once('e') {
            Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
            _ => text,
        };
    }
    n.to_string()
}
