use super::{RowsAt, parse_json_rows};
use crate::error::KernelError;
use proptest::prelude::*;

fn rows(json: &str, features: usize) -> Result<Vec<f64>, KernelError> {
    parse_json_rows(json.as_bytes(), RowsAt::Root, features, "json")
}

fn keyed(json: &str, key: &str, features: usize) -> Result<Vec<f64>, KernelError> {
    parse_json_rows(json.as_bytes(), RowsAt::Key(key), features, "json")
}

/// (is a type error, the argument named, the message).
fn failure(result: Result<Vec<f64>, KernelError>) -> (bool, String, String) {
    match result {
        Err(ref e @ KernelError::InvalidType { ref argument, .. }) => {
            (true, argument.to_string(), e.to_string())
        }
        Err(ref e @ KernelError::InvalidValue { ref argument, .. }) => {
            (false, argument.to_string(), e.to_string())
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn reads_rows_at_the_root_and_under_a_key() {
    assert_eq!(
        rows(" [ [1, 2.5] ,[-3e2,0] ]\n", 2).unwrap(),
        vec![1.0, 2.5, -300.0, 0.0]
    );
    assert_eq!(rows("[]", 3).unwrap(), Vec::<f64>::new());
    let body = r#"{"id": "x", "meta": {"a": [1, {"b": null}], "t": true}, "transactions": [[1, 2]], "z": "\u00e9\"]"}"#;
    assert_eq!(keyed(body, "transactions", 2).unwrap(), vec![1.0, 2.0]);
    // Escaped keys match their decoded form; a repeated key counts its last value, as JSON.parse.
    assert_eq!(
        keyed(r#"{"tr\u0061nsactions": [[7]]}"#, "transactions", 1).unwrap(),
        vec![7.0]
    );
    assert_eq!(
        keyed(r#"{"t": [[1]], "t": [[2]]}"#, "t", 1).unwrap(),
        vec![2.0]
    );
    assert_eq!(
        keyed(r#"{"t": [["bad"]], "t": [[2]]}"#, "t", 1).unwrap(),
        vec![2.0]
    );
    assert_eq!(
        keyed(r#"{"\ud83d\ude00": [[3]]}"#, "\u{1f600}", 1).unwrap(),
        vec![3.0]
    );
}

#[test]
fn numbers_follow_json_and_round_like_json_parse() {
    assert_eq!(rows("[[-0]]", 1).unwrap()[0].to_bits(), (-0.0f64).to_bits());
    assert_eq!(
        rows("[[1e999, -1e999]]", 2).unwrap(),
        vec![f64::INFINITY, f64::NEG_INFINITY]
    );
    assert_eq!(
        rows("[[0.1, 1E-5, 2e+3, 123456789012345678901234567890]]", 4).unwrap(),
        vec![0.1, 1e-5, 2e3, 1.2345678901234568e29]
    );
    // Halfway cases and long mantissas are rounded correctly (to even).
    assert_eq!(
        rows("[[9007199254740993]]", 1).unwrap()[0],
        9007199254740992.0
    );
    assert_eq!(
        rows("[[2.2250738585072011e-308]]", 1).unwrap()[0],
        2.225073858507201e-308
    );
    for bad in [
        "[[01]]",
        "[[1.]]",
        "[[.5]]",
        "[[+1]]",
        "[[NaN]]",
        "[[Infinity]]",
        "[[1e]]",
        "[[-]]",
        "[[0x10]]",
    ] {
        let (type_error, argument, message) = failure(rows(bad, 1));
        assert!(
            !type_error && argument == "json" && message.contains("valid JSON"),
            "{bad}: {message}"
        );
    }
}

#[test]
fn shapes_are_checked_row_by_row_length_first() {
    let (t, argument, message) = failure(rows("[[1, 2], [3]]", 2));
    assert!(
        !t && argument == "json[1]" && message.contains("Received length 1"),
        "{message}"
    );
    let (t, argument, _) = failure(rows(r#"[[1, "2"]]"#, 2));
    assert!(t && argument == "json[0][1]");
    // A wrong length wins over a non-number in the same row (the facade checks length first).
    let (t, argument, _) = failure(rows(r#"[[1, "2", 3]]"#, 2));
    assert!(!t && argument == "json[0]");
    let (t, argument, message) = failure(keyed(r#"{"rows": [1, 2]}"#, "rows", 2));
    assert!(
        t && argument == "rows[0]" && message.contains("type number"),
        "{message}"
    );
    let (t, argument, message) = failure(keyed(r#"{"other": []}"#, "rows", 2));
    assert!(
        t && argument == "rows" && message.contains("undefined"),
        "{message}"
    );
    let (t, argument, _) = failure(keyed("[[1]]", "rows", 1));
    assert!(t && argument == "json");
    let (t, argument, _) = failure(rows("null", 1));
    assert!(t && argument == "json");
}

#[test]
fn a_syntax_error_anywhere_wins_over_a_shape_error() {
    let (t, argument, message) = failure(rows(r#"[["x"], [1, 2,]]"#, 1));
    assert!(
        !t && argument == "json" && message.contains("valid JSON"),
        "{message}"
    );
    for bad in [
        "",
        " ",
        "[[1]",
        "[[1]] x",
        "[[1]],",
        "{\"a\" 1}",
        "[\"\u{1}\"]",
        "[\"\\x\"]",
        "[\"\\u12\"]",
        "[tru]",
        "\u{feff}[[1]]",
    ] {
        let (t, argument, message) = failure(rows(bad, 1));
        assert!(
            !t && argument == "json" && message.contains("valid JSON"),
            "{bad:?}: {message}"
        );
    }
    let (_, _, message) = failure(rows("[[1, 2", 2));
    assert!(
        message.contains("unexpected end of JSON input at byte 6"),
        "{message}"
    );
}

#[test]
fn deep_nesting_in_skipped_values_cannot_overflow_the_stack() {
    let deep = format!(
        "{{\"skip\": {}{}, \"rows\": [[1]]}}",
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    assert_eq!(keyed(&deep, "rows", 1).unwrap(), vec![1.0]);
}

proptest! {
    /// Every finite f64, written as JSON writes it (shortest round trip) or in exponent form, is
    /// read back with the same bits.
    #[test]
    fn every_double_round_trips(values in proptest::collection::vec(any::<f64>().prop_filter("finite", |x| x.is_finite()), 1..40), exponent in any::<bool>()) {
        let written: Vec<String> = values.iter().map(|x| if exponent { format!("{x:e}") } else { format!("{x:?}") }).collect();
        let json = format!("[[{}]]", written.join(","));
        let parsed = rows(&json, values.len()).unwrap();
        prop_assert_eq!(parsed.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), values.iter().map(|x| x.to_bits()).collect::<Vec<_>>());
    }
}
