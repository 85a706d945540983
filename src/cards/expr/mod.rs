//! Adaptive Expressions: the small subset that roombot's card templates use.
//!
//! Owns parsing `${…}` bindings into an [`Expr`] tree and evaluating it with the semantics of
//! Microsoft's `adaptive-expressions` package as driven by `adaptivecards-templating` (checked by
//! the differential test in `tests/e2e/cards_differential.rs`). Supported: literals (`'text'`, `"text"`,
//! numbers, `true`, `false`, `null`), paths (`a.b`, `a[0]`, `a['k']`, `$data`, `$root`,
//! `$index`) and calls of the functions in [`FUNCTIONS`]. Anything else (operators, lambdas,
//! unknown functions) is rejected when a template is loaded, never at reply time.

mod eval;
mod parse;

pub use eval::{Context, EvalError, Js, js_to_string};
pub use parse::{ParseError, Part, parse_expression, parse_interpolated};

/// Functions a template may call, with their arity (minimum, maximum).
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("if", 3, 3),
    ("not", 1, 1),
    ("and", 1, usize::MAX),
    ("or", 1, usize::MAX),
    ("equals", 2, 2),
    ("greater", 2, 2),
    ("less", 2, 2),
    ("empty", 1, 1),
    ("count", 1, 1),
    ("concat", 1, usize::MAX),
    ("add", 2, 2),
    ("join", 2, 2),
];

/// Where a path starts: the current `$data` scope (also bare names), `$root` or `$index`.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$data`, or a bare name (`name` means `$data.name`).
    Data,
    /// `$root`: the whole data object.
    Root,
    /// `$index`: the position in the nearest repeated `$data` array.
    Index,
}

/// One step of a path after its root.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// `.name` (looked up case-insensitively, as the SDK does).
    Name(String),
    /// `[3]`.
    Index(u64),
    /// `['key']`.
    Key(String),
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string, number, boolean or null literal.
    Constant(serde_json::Value),
    /// A path into the data; `text` is the path as the SDK prints it (used for substitutions).
    Path {
        /// Where the path starts.
        root: Root,
        /// The steps after the root.
        segments: Vec<Segment>,
        /// The path as the SDK accumulates it, e.g. `o.k`, `arr[0]`, `$root.name`.
        text: String,
    },
    /// A call of one of [`FUNCTIONS`].
    Call {
        /// The function name.
        name: String,
        /// The arguments.
        args: Vec<Expr>,
    },
}

impl std::fmt::Display for Expr {
    /// Prints the expression the way `adaptive-expressions` does in `Expression.toString()`,
    /// which the SDK uses when a failed binding inside a longer string is left as `${…}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Constant(serde_json::Value::String(s)) => write!(f, "'{s}'"),
            Self::Constant(v) => f.write_str(&js_to_string(v)),
            Self::Path { text, .. } => f.write_str(text),
            Self::Call { name, args } => {
                let infix = match name.as_str() {
                    "add" => Some(" + "),
                    "equals" => Some(" == "),
                    "greater" => Some(" > "),
                    "less" => Some(" < "),
                    "and" => Some(" && "),
                    "or" => Some(" || "),
                    _ => None,
                };
                let parts: Vec<String> = args.iter().map(ToString::to_string).collect();
                match (infix, name.as_str()) {
                    (Some(op), _) => write!(f, "({})", parts.join(op)),
                    (None, "not") => write!(f, "!({})", parts.join(", ")),
                    _ => write!(f, "{name}({})", parts.join(", ")),
                }
            }
        }
    }
}
