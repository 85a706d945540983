//! Parser for `${…}` bindings: splits a template string into text and expressions, and parses
//! each expression into an [`Expr`]. Rejects whatever the subset does not support.

use serde_json::{Number, Value};

use super::{Expr, FUNCTIONS, Root, Segment};

/// Why a binding could not be parsed (reported when templates are loaded).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} in `{source_text}`")]
pub struct ParseError {
    /// What is wrong.
    pub message: String,
    /// The string that holds the binding.
    pub source_text: String,
}

/// A piece of a template string: literal text or a binding.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text between bindings.
    Text(String),
    /// A `${…}` binding.
    Expr(Expr),
}

/// Parses one expression (the text between `${` and `}`).
pub fn parse_expression(text: &str) -> Result<Expr, ParseError> {
    let error = |message: String| ParseError {
        message,
        source_text: text.to_owned(),
    };
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    let expr = parser.expr().map_err(error)?;
    parser.skip_ws();
    if parser.pos < parser.chars.len() {
        return Err(error(format!(
            "unexpected `{}` (operators are not supported: use functions)",
            parser.chars[parser.pos]
        )));
    }
    Ok(expr)
}

/// Splits a template string into text and `${…}` bindings, as the SDK's string interpolation does.
pub fn parse_interpolated(text: &str) -> Result<Vec<Part>, ParseError> {
    let error = |message: &str| ParseError {
        message: message.to_owned(),
        source_text: text.to_owned(),
    };
    if text.contains('\\') || text.contains('`') {
        return Err(error(
            "backslashes and backticks are not supported next to a binding",
        ));
    }
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            parts.push(Part::Text(rest[..start].to_owned()));
        }
        let body = &rest[start + 2..];
        let end = binding_end(body).ok_or_else(|| error("unterminated `${`"))?;
        if body[..end].trim().is_empty() {
            return Err(error("empty `${}`"));
        }
        parts.push(Part::Expr(parse_expression(&body[..end]).map_err(|e| {
            ParseError {
                source_text: text.to_owned(),
                ..e
            }
        })?));
        rest = &body[end + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_owned()));
    }
    Ok(parts)
}

/// Finds the `}` closing a binding, skipping quoted strings; `None` on a newline or a `{`.
fn binding_end(body: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (_, '\n' | '\r') => return None,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '{') => return None,
            (None, '}') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expr(&mut self) -> Result<Expr, String> {
        self.skip_ws();
        match self.peek() {
            None => Err("missing expression".into()),
            Some(q @ ('\'' | '"')) => self.string(q),
            Some(c) if c.is_ascii_digit() => self.number(),
            Some(c) if c == '$' || c == '_' || c.is_ascii_alphabetic() => self.name_or_call(),
            Some(c) => Err(format!("unexpected `{c}`")),
        }
    }

    fn string(&mut self, quote: char) -> Result<Expr, String> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| c != quote) {
            self.pos += 1;
        }
        if self.peek().is_none() {
            return Err("unterminated string".into());
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        Ok(Expr::Constant(Value::String(text)))
    }

    fn number(&mut self) -> Result<Expr, String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '.') {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if let Ok(n) = text.parse::<u64>() {
            return Ok(Expr::Constant(Value::Number(n.into())));
        }
        let float: f64 = text.parse().map_err(|_| format!("bad number `{text}`"))?;
        Ok(Expr::Constant(
            Number::from_f64(float).map_or(Value::Null, Value::Number),
        ))
    }

    fn identifier(&mut self) -> String {
        let start = self.pos;
        if self.peek() == Some('$') {
            self.pos += 1;
        }
        while self
            .peek()
            .is_some_and(|c| c == '_' || c.is_ascii_alphanumeric())
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn name_or_call(&mut self) -> Result<Expr, String> {
        let name = self.identifier();
        if self.eat('(') {
            return self.call(name);
        }
        match name.as_str() {
            "true" => return Ok(Expr::Constant(Value::Bool(true))),
            "false" => return Ok(Expr::Constant(Value::Bool(false))),
            "null" => return Ok(Expr::Constant(Value::Null)),
            _ => {}
        }
        let root = match name.to_ascii_lowercase().as_str() {
            "$data" => Root::Data,
            "$root" => Root::Root,
            "$index" => Root::Index,
            n if n.starts_with('$') => return Err(format!("unknown variable `{name}`")),
            _ => Root::Data,
        };
        let mut segments = Vec::new();
        if !name.starts_with('$') {
            segments.push(Segment::Name(name.clone()));
        }
        let mut text = name;
        self.segments(&mut segments, &mut text)?;
        Ok(Expr::Path {
            root,
            segments,
            text,
        })
    }

    fn segments(&mut self, segments: &mut Vec<Segment>, text: &mut String) -> Result<(), String> {
        loop {
            if self.eat('.') {
                self.skip_ws();
                let name = self.identifier();
                if name.is_empty() || name.starts_with('$') {
                    return Err("expected a property name after `.`".into());
                }
                text.push('.');
                text.push_str(&name);
                segments.push(Segment::Name(name));
            } else if self.eat('[') {
                let segment = match self.expr()? {
                    Expr::Constant(Value::Number(n)) if n.is_u64() => {
                        Segment::Index(n.as_u64().unwrap_or_default())
                    }
                    Expr::Constant(Value::String(k)) if !k.contains(['.', '[', ']', '\'', '"']) => {
                        Segment::Key(k)
                    }
                    _ => return Err("an index must be a whole number or a plain 'key'".into()),
                };
                if !self.eat(']') {
                    return Err("expected `]`".into());
                }
                match &segment {
                    Segment::Index(i) => text.push_str(&format!("[{i}]")),
                    Segment::Key(k) => text.push_str(&format!("['{k}']")),
                    Segment::Name(_) => {}
                }
                segments.push(segment);
            } else {
                return Ok(());
            }
        }
    }

    fn call(&mut self, name: String) -> Result<Expr, String> {
        let Some(&(_, min, max)) = FUNCTIONS.iter().find(|(n, _, _)| *n == name) else {
            return Err(format!("unknown function `{name}`"));
        };
        let mut args = Vec::new();
        if !self.eat(')') {
            loop {
                args.push(self.expr()?);
                if self.eat(')') {
                    break;
                }
                if !self.eat(',') {
                    return Err(format!("expected `,` or `)` in the arguments of `{name}`"));
                }
            }
        }
        if args.len() < min || args.len() > max {
            return Err(format!(
                "`{name}` takes {min}..{} arguments, got {}",
                if max == usize::MAX {
                    "n".into()
                } else {
                    max.to_string()
                },
                args.len()
            ));
        }
        if self.peek() == Some('.') || self.peek() == Some('[') {
            return Err("a path after a function call is not supported".into());
        }
        Ok(Expr::Call { name, args })
    }
}
