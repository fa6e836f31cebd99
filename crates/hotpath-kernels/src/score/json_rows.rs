//! Feature rows straight from JSON bytes: `[[f, ...], ...]`, or that array under one key of an
//! object (`{"transactions": [[...], ...]}`), into one row-major `Vec<f64>`, without building a
//! JavaScript value per number. This is the cost of a scoring service's batch endpoint: parsing
//! the body takes far longer than scoring it.
//!
//! The result is what `JSON.parse` followed by the facade's checks gives, exactly:
//! - the whole document must be JSON (RFC 8259; other keys' values are checked and skipped), and a
//!   syntax error anywhere wins over a shape error, as when `JSON.parse` runs first;
//! - numbers follow JSON's grammar and are rounded correctly (fast-float2: Eisel-Lemire with an
//!   exact fallback), so every value has the bits `JSON.parse` gives it; one too large is
//!   ±Infinity, as there;
//! - a repeated key counts once, the last time, as in `JSON.parse`;
//! - rows are checked in order; in a row its length first, then its elements.
use crate::error::KernelError;
use std::borrow::Cow;

/// Where the rows are in the document.
#[derive(Clone, Copy, Debug)]
pub enum RowsAt<'a> {
    /// The document is the array of rows.
    Root,
    /// The document is an object holding the array of rows under this key.
    Key(&'a str),
}

/// Parses `json` into `features`-wide rows (see the module docs). `name` is the argument name of
/// the document in messages; elements are named after the key (`transactions[3][7]`) or `name`.
pub fn parse_json_rows(
    json: &[u8],
    at: RowsAt<'_>,
    features: usize,
    name: &'static str,
) -> Result<Vec<f64>, KernelError> {
    let rows_name: Cow<'static, str> = match at {
        RowsAt::Root => Cow::Borrowed(name),
        RowsAt::Key(key) => Cow::Owned(key.to_string()),
    };
    let mut parser = Parser {
        bytes: json,
        pos: 0,
        features,
        name,
        rows_name,
        shape_error: None,
        rows: Vec::new(),
    };
    match parser.document(at) {
        Ok(()) => parser.shape_error.map_or(Ok(parser.rows), Err),
        Err(Syntax { at, what }) => Err(KernelError::invalid(
            name,
            "valid JSON",
            format!("{what} at byte {at}"),
        )),
    }
}

struct Syntax {
    at: usize,
    what: &'static str,
}

type Step<T = ()> = Result<T, Syntax>;

/// What a JSON value is, for messages about a value of the wrong kind.
#[derive(Clone, Copy)]
enum Kind {
    Null,
    Bool(bool),
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(true) => "type boolean (true)",
            Kind::Bool(false) => "type boolean (false)",
            Kind::Number => "type number",
            Kind::String => "type string",
            Kind::Array => "an instance of Array",
            Kind::Object => "an instance of Object",
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    features: usize,
    /// The document's argument name.
    name: &'static str,
    rows_name: Cow<'static, str>,
    /// The first shape error, reported only if the document turns out to be valid JSON.
    shape_error: Option<KernelError>,
    rows: Vec<f64>,
}

impl Parser<'_> {
    fn document(&mut self, at: RowsAt<'_>) -> Step {
        self.whitespace();
        match at {
            RowsAt::Root => self.rows_value()?,
            RowsAt::Key(key) => {
                if self.peek() != Some(b'{') {
                    let kind = self.skip_value()?;
                    self.shape(KernelError::invalid_type(
                        self.name,
                        format!("an object with the array of feature rows under \"{key}\""),
                        kind.describe(),
                    ));
                } else {
                    self.object_with_rows(key)?;
                }
            }
        }
        self.whitespace();
        if self.pos < self.bytes.len() {
            return Err(self.syntax("unexpected data after the JSON value"));
        }
        Ok(())
    }

    /// `{ ... }` whose member `key` holds the rows (the last one, if repeated); other members are
    /// checked and skipped.
    fn object_with_rows(&mut self, key: &str) -> Step {
        self.pos += 1;
        let mut found = false;
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                self.whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.syntax("expected a string key"));
                }
                let matches = self.key_equals(key)?;
                self.whitespace();
                self.expect(b':', "expected ':' after a key")?;
                self.whitespace();
                if matches {
                    // A repeated key replaces the earlier value, as in JSON.parse.
                    found = true;
                    self.rows.clear();
                    self.shape_error = None;
                    self.rows_value()?;
                } else {
                    self.skip_value()?;
                }
                self.whitespace();
                match self.next_byte() {
                    Some(b',') => continue,
                    Some(b'}') => break,
                    other => return Err(self.after(other, "expected ',' or '}' in an object")),
                }
            }
        }
        if !found {
            self.shape(KernelError::invalid_type(
                self.rows_name.clone(),
                "an array of feature rows",
                "undefined",
            ));
        }
        Ok(())
    }

    /// The array of rows at the current position.
    fn rows_value(&mut self) -> Step {
        if self.peek() != Some(b'[') {
            let kind = self.skip_value()?;
            self.shape(KernelError::invalid_type(
                self.rows_name.clone(),
                "an array of feature rows",
                kind.describe(),
            ));
            return Ok(());
        }
        self.pos += 1;
        self.whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        let mut index = 0usize;
        loop {
            self.whitespace();
            self.row(index)?;
            index += 1;
            self.whitespace();
            match self.next_byte() {
                Some(b',') => continue,
                Some(b']') => return Ok(()),
                other => return Err(self.after(other, "expected ',' or ']' in an array")),
            }
        }
    }

    /// One row: an array of exactly `features` numbers.
    fn row(&mut self, index: usize) -> Step {
        if self.peek() != Some(b'[') {
            let kind = self.skip_value()?;
            let argument = format!("{}[{index}]", self.rows_name);
            self.shape(KernelError::invalid_type(
                argument,
                "an array of numbers",
                kind.describe(),
            ));
            return Ok(());
        }
        self.pos += 1;
        let start = self.rows.len();
        let mut length = 0usize;
        // The first element that is not a number: reported only if the length is right.
        let mut not_number: Option<(usize, Kind)> = None;
        self.whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.whitespace();
                if matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
                    let value = self.number()?;
                    if self.shape_error.is_none() && not_number.is_none() && length < self.features
                    {
                        self.rows.push(value);
                    }
                } else {
                    let kind = self.skip_value()?;
                    not_number.get_or_insert((length, kind));
                }
                length += 1;
                self.whitespace();
                match self.next_byte() {
                    Some(b',') => continue,
                    Some(b']') => break,
                    other => return Err(self.after(other, "expected ',' or ']' in an array")),
                }
            }
        }
        if self.shape_error.is_some() {
            return Ok(());
        }
        if length != self.features {
            self.rows.truncate(start);
            self.shape(KernelError::invalid(
                format!("{}[{index}]", self.rows_name),
                format!("a vector of the model's {} features", self.features),
                format!("length {length}"),
            ));
        } else if let Some((column, kind)) = not_number {
            self.rows.truncate(start);
            self.shape(KernelError::invalid_type(
                format!("{}[{index}][{column}]", self.rows_name),
                "of type number",
                kind.describe(),
            ));
        }
        Ok(())
    }

    fn shape(&mut self, error: KernelError) {
        if self.shape_error.is_none() {
            self.shape_error = Some(error);
        }
    }

    /// A number by JSON's grammar, converted with correct rounding.
    fn number(&mut self) -> Step<f64> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.syntax("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax("expected a digit after '.'"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.syntax("expected a digit in the exponent"));
            }
            self.digits();
        }
        // The slice is a valid JSON number, which is a valid float literal for fast-float2.
        fast_float2::parse::<f64, _>(&self.bytes[start..self.pos]).map_err(|_| Syntax {
            at: start,
            what: "a number that cannot be read",
        })
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    /// Skips any JSON value (checking it), iteratively so that no nesting depth can overflow the
    /// stack, and says what kind it was.
    fn skip_value(&mut self) -> Step<Kind> {
        let kind = match self.peek() {
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            _ => return self.skip_scalar(),
        };
        // Open containers, innermost last: true for an object.
        let mut open: Vec<bool> = Vec::new();
        loop {
            // At the start of a value.
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.whitespace();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        open.push(true);
                        self.member_key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.whitespace();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        open.push(false);
                        continue;
                    }
                }
                _ => {
                    self.skip_scalar()?;
                }
            }
            // After a value: close containers or move to the next element.
            loop {
                let Some(&object) = open.last() else {
                    return Ok(kind);
                };
                self.whitespace();
                match (self.next_byte(), object) {
                    (Some(b','), true) => {
                        self.whitespace();
                        self.member_key()?;
                        break;
                    }
                    (Some(b','), false) => {
                        self.whitespace();
                        break;
                    }
                    (Some(b'}'), true) | (Some(b']'), false) => {
                        open.pop();
                    }
                    (other, true) => {
                        return Err(self.after(other, "expected ',' or '}' in an object"));
                    }
                    (other, false) => {
                        return Err(self.after(other, "expected ',' or ']' in an array"));
                    }
                }
            }
        }
    }

    /// `"key" :` inside an object being skipped, leaving the position at the member's value.
    fn member_key(&mut self) -> Step {
        self.whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.syntax("expected a string key"));
        }
        self.skip_string()?;
        self.whitespace();
        self.expect(b':', "expected ':' after a key")?;
        self.whitespace();
        Ok(())
    }

    fn skip_scalar(&mut self) -> Step<Kind> {
        match self.peek() {
            Some(b'"') => self.skip_string().map(|()| Kind::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(|_| Kind::Number),
            Some(b't') => self.literal(b"true").map(|()| Kind::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Kind::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|()| Kind::Null),
            None => Err(self.syntax("unexpected end of JSON input")),
            _ => Err(self.syntax("unexpected character")),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Step {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.syntax("unexpected character"))
        }
    }

    /// Skips a string, checking its escapes and that it holds no raw control characters.
    fn skip_string(&mut self) -> Step {
        self.pos += 1;
        loop {
            match self.next_byte() {
                Some(b'"') => return Ok(()),
                Some(b'\\') => self.escape(&mut None)?,
                Some(byte @ 0x00..=0x1f) => {
                    return Err(self.after(Some(byte), "a control character in a string"));
                }
                Some(_) => {}
                None => return Err(self.syntax("unterminated string")),
            }
        }
    }

    /// Reads a key and says whether it equals `key` once its escapes are decoded.
    fn key_equals(&mut self, key: &str) -> Step<bool> {
        self.pos += 1;
        let start = self.pos;
        // Decoded only when the key has escapes; most keys are compared in place.
        let mut decoded: Option<Vec<u8>> = None;
        loop {
            let at = self.pos;
            match self.next_byte() {
                Some(b'"') => {
                    let bytes = decoded.as_deref().unwrap_or(&self.bytes[start..at]);
                    return Ok(bytes == key.as_bytes());
                }
                Some(b'\\') => {
                    if decoded.is_none() {
                        decoded = Some(self.bytes[start..at].to_vec());
                    }
                    self.escape(&mut decoded)?;
                }
                Some(byte @ 0x00..=0x1f) => {
                    return Err(self.after(Some(byte), "a control character in a string"));
                }
                Some(byte) => {
                    if let Some(raw) = decoded.as_mut() {
                        raw.push(byte);
                    }
                }
                None => return Err(self.syntax("unterminated string")),
            }
        }
    }

    /// One escape after its backslash; appends the decoded UTF-8 to `sink` when given. A lone
    /// surrogate decodes to U+FFFD, which is what comparing it with a Rust `&str` key amounts to.
    fn escape(&mut self, sink: &mut Option<Vec<u8>>) -> Step {
        let decoded = match self.next_byte() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                if (0xd800..0xdc00).contains(&high) && self.bytes[self.pos..].starts_with(b"\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let low = self.hex4()?;
                    if (0xdc00..0xe000).contains(&low) {
                        char::from_u32(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00))
                            .unwrap_or('\u{fffd}')
                    } else {
                        self.pos = save;
                        '\u{fffd}'
                    }
                } else {
                    char::from_u32(high).unwrap_or('\u{fffd}')
                }
            }
            other => return Err(self.after(other, "an invalid escape in a string")),
        };
        if let Some(out) = sink.as_mut() {
            let mut buf = [0u8; 4];
            out.extend_from_slice(decoded.encode_utf8(&mut buf).as_bytes());
        }
        Ok(())
    }

    fn hex4(&mut self) -> Step<u32> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = match self.next_byte() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                other => return Err(self.after(other, "an invalid \\u escape")),
            };
            value = value * 16 + u32::from(digit);
        }
        Ok(value)
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Step {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(what))
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn next_byte(&mut self) -> Option<u8> {
        let byte = self.peek();
        if byte.is_some() {
            self.pos += 1;
        }
        byte
    }

    fn syntax(&self, what: &'static str) -> Syntax {
        if self.pos >= self.bytes.len() {
            return Syntax {
                at: self.bytes.len(),
                what: "unexpected end of JSON input",
            };
        }
        Syntax { at: self.pos, what }
    }

    /// A syntax error at the byte `next_byte` just returned (`None`: the input ended).
    fn after(&self, byte: Option<u8>, what: &'static str) -> Syntax {
        match byte {
            None => Syntax {
                at: self.bytes.len(),
                what: "unexpected end of JSON input",
            },
            Some(_) => Syntax {
                at: self.pos - 1,
                what,
            },
        }
    }
}

#[cfg(test)]
#[path = "json_rows_tests.rs"]
mod tests;
