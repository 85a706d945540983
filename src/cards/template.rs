//! The Adaptive Cards Templating expander: `${…}` bindings, string interpolation, `$data`
//! (scope change and array repetition), `$when`, `$index` and `$root`, with the semantics of
//! Microsoft's `adaptivecards-templating` 2.x (`Template.expand`). A template is parsed once
//! ([`Template::parse`]: every binding checked) and expanded many times ([`Template::expand`]).

use serde_json::{Map, Value};

use super::expr::{
    Context, EvalError, Expr, Js, ParseError, Part, js_to_string, parse_interpolated,
};

/// Keys the SDK removes from expanded objects.
const RESERVED: &[&str] = &[
    "$data",
    "$when",
    "$root",
    "$index",
    "$host",
    "$_acTemplateVersion",
];

/// A parsed template, ready to expand against data.
#[derive(Debug, Clone)]
pub struct Template {
    root: Node,
}

/// Why an expansion failed (the SDK throws in the same cases).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpandError {
    /// A whole-value binding or a `$data` binding failed to evaluate.
    #[error("binding `{binding}` failed: {source}")]
    Binding {
        /// The binding as the SDK prints it.
        binding: String,
        /// Why it failed.
        source: EvalError,
    },
    /// A binding inside a longer string produced null or undefined.
    #[error("binding `{0}` inside a string is null or undefined")]
    NullInString(String),
}

#[derive(Debug, Clone)]
enum Node {
    Literal(Value),
    /// A string that is exactly one non-constant binding: keeps the value's JSON type.
    Single(Expr),
    /// A string with text and bindings: always produces a string.
    Interpolated(Vec<Part>),
    Array(Vec<Node>),
    Object {
        when: Option<Expr>,
        data: Option<Expr>,
        fields: Vec<(String, Node)>,
    },
}

impl Template {
    /// Parses a template; every binding, `$data` and `$when` is checked here.
    pub fn parse(template: &Value) -> Result<Self, ParseError> {
        Ok(Self {
            root: prepare(template)?,
        })
    }

    /// Expands the template with `data` as `$root`.
    pub fn expand(&self, data: &Value) -> Result<Value, ExpandError> {
        let ctx = Context {
            root: data,
            data,
            index: None,
        };
        Ok(expand(&self.root, &ctx)?.unwrap_or(Value::Null))
    }
}

fn prepare(node: &Value) -> Result<Node, ParseError> {
    Ok(match node {
        Value::String(s) if s.contains("${") => prepare_string(s)?,
        Value::Array(items) => Node::Array(items.iter().map(prepare).collect::<Result<_, _>>()?),
        Value::Object(map) => {
            let when = map
                .get("$when")
                .map(|v| single_binding(v, "$when"))
                .transpose()?;
            let data = map
                .get("$data")
                .map(|v| single_binding(v, "$data"))
                .transpose()?;
            let fields = map
                .iter()
                .filter(|(k, _)| !RESERVED.contains(&k.as_str()))
                .map(|(k, v)| Ok((k.clone(), prepare(v)?)))
                .collect::<Result<_, ParseError>>()?;
            Node::Object { when, data, fields }
        }
        other => Node::Literal(other.clone()),
    })
}

fn prepare_string(text: &str) -> Result<Node, ParseError> {
    let parts = parse_interpolated(text)?;
    Ok(match parts.as_slice() {
        // `${concat(…)}` is evaluated by the SDK like an interpolated string of its arguments.
        [Part::Expr(Expr::Call { name, args })] if name == "concat" => {
            Node::Interpolated(args.iter().cloned().map(Part::Expr).collect())
        }
        [Part::Expr(Expr::Constant(_))] => Node::Interpolated(parts),
        [Part::Expr(expr)] => Node::Single(expr.clone()),
        _ => Node::Interpolated(parts),
    })
}

/// `$data` and `$when` must be exactly one binding (the SDK ignores or drops anything else).
fn single_binding(value: &Value, key: &str) -> Result<Expr, ParseError> {
    let error = |message: &str| ParseError {
        message: format!("`{key}` {message}"),
        source_text: value.to_string(),
    };
    let Value::String(text) = value else {
        return Err(error("must be a string holding one `${…}` binding"));
    };
    match prepare_string(text)? {
        Node::Single(expr) => Ok(expr),
        _ => Err(error(
            "must be exactly one `${…}` binding of a path or function",
        )),
    }
}

fn expand(node: &Node, ctx: &Context<'_>) -> Result<Js, ExpandError> {
    match node {
        Node::Literal(v) => Ok(Some(v.clone())),
        Node::Single(expr) => expr
            .evaluate(ctx, true)
            .map_err(|source| ExpandError::Binding {
                binding: expr.to_string(),
                source,
            }),
        Node::Interpolated(parts) => interpolate(parts, ctx).map(|s| Some(Value::String(s))),
        Node::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match expand(item, ctx)? {
                    Some(Value::Null) => {}
                    Some(Value::Array(values)) => out.extend(values),
                    Some(value) => out.push(value),
                    None => out.push(Value::Null),
                }
            }
            Ok(Some(Value::Array(out)))
        }
        Node::Object { when, data, fields } => {
            expand_object(when.as_ref(), data.as_ref(), fields, ctx)
        }
    }
}

fn interpolate(parts: &[Part], ctx: &Context<'_>) -> Result<String, ExpandError> {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Expr(expr) => match expr.evaluate(ctx, true) {
                Ok(Some(Value::Null) | None) => {
                    return Err(ExpandError::NullInString(expr.to_string()));
                }
                Ok(Some(value)) => out.push_str(&js_to_string(&value)),
                Err(_) => out.push_str(&format!("${{{expr}}}")),
            },
        }
    }
    Ok(out)
}

fn expand_object(
    when: Option<&Expr>,
    data: Option<&Expr>,
    fields: &[(String, Node)],
    ctx: &Context<'_>,
) -> Result<Js, ExpandError> {
    let scopes: Vec<(Value, Option<usize>)> = match data {
        None => vec![(ctx.data.clone(), ctx.index)],
        Some(expr) => match expr.evaluate(ctx, true) {
            Err(source) => {
                return Err(ExpandError::Binding {
                    binding: expr.to_string(),
                    source,
                });
            }
            Ok(Some(Value::Array(items))) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (v, Some(i)))
                .collect(),
            Ok(Some(value)) => vec![(value, ctx.index)],
            Ok(None) => vec![(ctx.data.clone(), ctx.index)],
        },
    };
    let mut results = Vec::new();
    for (scope, index) in &scopes {
        let inner = Context {
            root: ctx.root,
            data: scope,
            index: *index,
        };
        if let Some(condition) = when
            && !matches!(
                condition.evaluate(&inner, false),
                Ok(Some(Value::Bool(true)))
            )
        {
            continue;
        }
        let mut object = Map::new();
        for (key, node) in fields {
            if let Some(value) = expand(node, &inner)? {
                object.insert(key.clone(), value);
            }
        }
        results.push(Value::Object(object));
    }
    Ok(Some(match results.len() {
        0 => Value::Null,
        1 => results.pop().unwrap_or(Value::Null),
        _ => Value::Array(results),
    }))
}
