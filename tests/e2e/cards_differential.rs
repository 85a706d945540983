//! Differential test: roombot's template expander against the official Adaptive Cards
//! Templating SDK (`adaptivecards-templating` + `adaptive-expressions`, run by node from `web/`).
//! Every template × sample must expand identically, and so must a set of edge cases that pin
//! the SDK semantics the expander copies.

use crate::cards_support;

use serde_json::{Value, json};

use cards_support::{run_node, samples, template_json};
use roombot::cards::template::Template;

struct Case {
    id: String,
    template: Value,
    data: Value,
}

/// Small templates that pin down the SDK's behaviour on the constructs the cards use.
fn edge_cases() -> Vec<Case> {
    let data = json!({
        "a": 1, "s": "hi", "n": null, "z": 0, "e": "", "t": true, "f": false, "x": 0.1, "y": 0.2,
        "arr": [1, 2], "list": [{"k": "one"}, {"k": "two"}, {"k": "three"}], "empty": [],
        "o": {"k": "v", "Name": "N", "nested": {"deep": [10, 20]}}, "strs": ["a", "b"],
    });
    let strings = [
        "${a}",
        "${s}",
        "${n}",
        "${t}",
        "${o}",
        "${arr}",
        "${missing}",
        "x ${missing} y",
        "${o.missing}",
        "x ${a} ${t} ${x} ${o} ${arr} ${strs}",
        "${o.name}",
        "${O.NAME}",
        "${o.nested.deep[1]}",
        "${o['k']}",
        "${if(z, 'T', 'F')}",
        "${if(e, 'T', 'F')}",
        "${if(n, 'T', 'F')}",
        "${if(missing, 'T', 'F')}",
        "${if(t, a, s)}",
        "${not(missing)}",
        "${not(e)}",
        "${and(a, s, t)}",
        "${and(a, f)}",
        "${or(n, missing)}",
        "${or(n, z)}",
        "${or(f, n)}",
        "${or(missing, f)}",
        "x ${or(f, f)}",
        "${equals(a, 1)}",
        "${equals(a, '1')}",
        "${equals(n, missing)}",
        "${equals(s, 'hi')}",
        "${equals(arr, arr)}",
        "${greater(a, 0)}",
        "${greater(s, 'a')}",
        "${less(a, missing)}",
        "${empty(arr)}",
        "${empty(e)}",
        "${empty(missing)}",
        "${empty(z)}",
        "${empty(o)}",
        "${count(arr)}",
        "${count(s)}",
        "${count(missing)}",
        "${count(o)}",
        "${concat(s, 'x', a)}",
        "${concat(arr, arr)}",
        "x ${concat(arr, arr)}",
        "x ${concat(s, missing)}",
        "${add(a, 2)}",
        "${add(x, y)}",
        "x ${add(x, y)}",
        "${add(s, a)}",
        "x ${add(a, n)}",
        "${join(strs, ', ')}",
        "${join(arr, '-')}",
        "${$root.s}",
        "${$index}",
        "x ${$index}",
        "${2.50}",
        "${'lit'}",
        "${true}",
        "${a}${s}",
        "{${a}}",
        "a $ {b} ${a}",
        "${ if( t , 'y' , 'n' ) }",
        "${$data.a}",
        "x ${greater(s, 1)}",
        "x ${count(a)}",
    ];
    let mut cases: Vec<Case> = strings
        .iter()
        .map(|s| Case {
            id: format!("string {s}"),
            template: json!({"v": s}),
            data: data.clone(),
        })
        .collect();
    let objects = [
        json!({"v": [{"$data": "${arr}", "t": "${$index}:${$data}"}]}),
        json!({"v": {"$data": "${arr}", "t": "${$data}"}}),
        json!({"v": {"$data": "${empty}", "t": "x"}}),
        json!({"v": {"$when": "${f}", "t": "x"}}),
        json!({"v": [{"$when": "${t}", "x": 1}, {"$when": "${n}", "x": 2}, {"$when": "${missing}", "x": 3}, {"$when": "${s}", "x": 4}, {"$when": "${a}", "x": 5}]}),
        json!({"v": [{"$data": "${list}", "$when": "${not(equals(k, 'two'))}", "k": "${k}", "i": "${$index}", "r": "${$root.a}"}]}),
        json!({"v": [{"$data": "${o}", "k": "${k}", "i": "${$index}", "n": {"$data": "${nested}", "d": "${deep}"}}]}),
        json!({"v": [{"$data": "${list}", "inner": [{"$data": "${$root.strs}", "p": "${$index} ${$data}"}], "i": "${$index}"}]}),
        json!({"v": [{"$data": "${missing}", "t": "${k}"}, {"$data": "${n}", "t": "${k}"}]}),
        json!({"v": ["${arr}", "${n}", "${s}", {"$when": "${f}"}, 3, null, true]}),
        json!({"v": {"$data": "${strs}", "t": "• ${$data}"}}),
        json!({"v": {"keep": "${o}", "drop": {"$when": "${f}", "x": 1}}}),
        json!({"v": {"$data": "${list}", "t": "${add($root.a, $index)}"}}),
    ];
    cases.extend(objects.into_iter().enumerate().map(|(i, t)| Case {
        id: format!("object #{i} {t}"),
        template: t,
        data: data.clone(),
    }));
    cases
}

fn sample_cases() -> Vec<Case> {
    samples()
        .into_iter()
        .map(|s| Case {
            id: format!("sample {} with template {}", s.id, s.template),
            template: template_json(s.template),
            data: s.data,
        })
        .collect()
}

/// Rust's expansion in the node script's output shape: `{"value": …}` or `{"error": …}`.
fn rust_expand(case: &Case) -> Result<Value, String> {
    let template = Template::parse(&case.template).map_err(|e| format!("parse: {e}"))?;
    template.expand(&case.data).map_err(|e| e.to_string())
}

#[test]
fn rust_expansion_equals_the_official_sdk_for_every_template_sample_and_edge_case() {
    let cases: Vec<Case> = sample_cases().into_iter().chain(edge_cases()).collect();
    let input: Vec<Value> = cases
        .iter()
        .map(|c| json!({"id": c.id, "template": c.template, "data": c.data}))
        .collect();
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        file.path(),
        serde_json::to_vec(&input).expect("cases serialise"),
    )
    .expect("write cases");
    let output = run_node("expand.mjs", &[file.path()]);
    let results: Vec<Value> = serde_json::from_str(&output).expect("node prints JSON");
    assert_eq!(results.len(), cases.len());
    let mut failures = Vec::new();
    for (case, js) in cases.iter().zip(&results) {
        let rust = rust_expand(case);
        let agrees = match (&rust, js.get("value")) {
            (Ok(ours), Some(theirs)) => ours == theirs,
            (Err(_), None) => true, // both fail (the SDK throws; we return an error)
            _ => false,
        };
        if !agrees {
            failures.push(format!("{}\n  rust: {rust:?}\n  sdk:  {js}", case.id));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(
        cases.len() > 80,
        "expected the samples and edge cases, got {}",
        cases.len()
    );
}
