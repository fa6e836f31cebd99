use super::*;

fn tok(o: TokenizerOptions) -> Tokenizer {
    Tokenizer::new(o).unwrap()
}

#[test]
fn text_defaults_nfkc_lower_words() {
    let t = tok(TokenizerOptions::default());
    assert_eq!(
        t.tokenize("Hello, Wörld! ﬁne ＡＢＣ 3.14 1,000 don't"),
        ["hello", "wörld", "fine", "abc", "3.14", "1,000", "don't"]
    );
    // Decomposed accent stays in the word; NFKC composes it.
    assert_eq!(t.tokenize("Cafe\u{301} नमस्ते"), ["café", "नमस्ते"]);
    assert_eq!(t.tokenize(""), Vec::<String>::new());
    assert_eq!(t.tokenize("ΟΔΟΣ"), ["οδος"]);
}

#[test]
fn text_case_fold() {
    let t = tok(TokenizerOptions {
        case: CaseMapping::Fold,
        ..Default::default()
    });
    assert_eq!(t.tokenize("Straße"), ["strasse"]);
}

#[test]
fn text_rules() {
    let stop: HashSet<String> = ["the".to_string()].into();
    let t = tok(TokenizerOptions {
        min_length: 2,
        max_length: Some(5),
        stopwords: stop,
        drop_numbers: true,
        ..Default::default()
    });
    assert_eq!(t.tokenize("The a cat 42 3.14 abcdef x1"), ["cat", "x1"]);
    let t = tok(TokenizerOptions {
        urls: Special::Replace("<url>".into()),
        emails: Special::Keep,
        ..Default::default()
    });
    assert_eq!(
        t.tokenize("see (https://Example.com/a?b=1), mail Bob.X@mail.example.org."),
        ["see", "<url>", "mail", "bob.x@mail.example.org"]
    );
    let t = tok(TokenizerOptions {
        urls: Special::Drop,
        emails: Special::Drop,
        ..Default::default()
    });
    assert_eq!(t.tokenize("a www.x.org b c@d.ef"), ["a", "b"]);
    assert!(
        Tokenizer::new(TokenizerOptions {
            min_length: 3,
            max_length: Some(2),
            ..Default::default()
        })
        .is_err()
    );
}

#[test]
fn text_records_and_lossy_utf8() {
    assert_eq!(
        split_records(b"a\r\nb\n\nc\n"),
        [&b"a"[..], b"b", b"", b"c"]
    );
    assert!(split_records(b"").is_empty());
    let t = tok(TokenizerOptions::default());
    let r = t
        .tokenize_batch(&[&b"ab\xffcd"[..]], Threads::Single, AbortFlag::never())
        .unwrap();
    // U+FFFD is not word-like, so it splits the word.
    assert_eq!(r, [vec!["ab".to_string(), "cd".to_string()]]);
}

#[test]
fn text_encode_hash_and_vocab() {
    assert_eq!(fnv1a32(b""), 0x811c9dc5);
    assert_eq!(fnv1a32(b"a"), 0xe40c292c);
    let t = tok(TokenizerOptions::default());
    let recs: Vec<String> = (0..2000).map(|i| format!("b a b {}", i % 3)).collect();
    let e = t
        .encode_batch(&recs, Encoding::Hash(8), Threads::Auto, AbortFlag::never())
        .unwrap();
    assert_eq!(e.offsets.len(), 2001);
    assert_eq!(e.ids.len(), 8000);
    assert_eq!(e.ids[1], hash_id("a", 8));
    assert!(
        t.encode_batch(&recs, Encoding::Hash(0), Threads::Auto, AbortFlag::never())
            .is_err()
    );
    let v = t
        .build_vocabulary(&recs, 1, None, Threads::Auto, AbortFlag::never())
        .unwrap();
    assert_eq!(v.tokens()[..2], ["b".to_string(), "a".to_string()]);
    assert_eq!(v.count("b"), 4000);
    assert_eq!(v.id("b"), 1);
    assert_eq!(v.id("zzz"), UNKNOWN_ID);
    let single = t
        .build_vocabulary(&recs, 1, Some(3), Threads::Single, AbortFlag::never())
        .unwrap();
    assert_eq!(single.size(), 3);
    let e = t
        .encode_batch(
            &recs[..1],
            Encoding::Vocabulary(&v),
            Threads::Auto,
            AbortFlag::never(),
        )
        .unwrap();
    assert_eq!(e.ids, [1, 2, 1, v.id("0")]);
}

#[test]
fn text_abort() {
    let t = tok(TokenizerOptions::default());
    let f = AbortFlag::new();
    f.abort();
    let recs = vec!["a"; 10];
    assert_eq!(
        t.tokenize_batch(&recs, Threads::Auto, &f),
        Err(KernelError::Aborted)
    );
}

#[test]
fn text_auto_segments_thai() {
    let t = tok(TokenizerOptions {
        segmenter: SegmenterKind::Auto,
        ..Default::default()
    });
    assert!(t.tokenize("ทุกสองสัปดาห์").len() >= 2);
}

#[test]
fn text_flat_matches_tokenize_batch_with_utf16_ends() {
    let t = tok(TokenizerOptions::default());
    // Chunks of 256 records: 600 records cross two chunk boundaries, so ends are rebased.
    let recs: Vec<String> = (0..600)
        .map(|i| format!("Ünïcode {i} 😀x 𝒳yz, ok"))
        .collect();
    let flat = t
        .tokenize_flat(&recs, Threads::Auto, AbortFlag::never())
        .unwrap();
    let nested = t
        .tokenize_batch(&recs, Threads::Single, AbortFlag::never())
        .unwrap();
    let utf16: Vec<u16> = flat.text.encode_utf16().collect();
    let mut k = 0;
    let mut start = 0usize;
    for (i, tokens) in nested.iter().enumerate() {
        assert_eq!(flat.counts[i] as usize, tokens.len());
        for token in tokens {
            let end = flat.ends[k] as usize;
            assert_eq!(String::from_utf16(&utf16[start..end]).unwrap(), *token);
            start = end;
            k += 1;
        }
    }
    assert_eq!(k, flat.ends.len());
    assert_eq!(start, utf16.len());
}

#[test]
fn text_utf16_records_lossy_and_lengths_checked() {
    let units: Vec<u16> = "ab".encode_utf16().chain([0xd800, b'c' as u16]).collect();
    let recs = utf16_records(&units, &[2, 2]).unwrap();
    let t = tok(TokenizerOptions::default());
    let out = t
        .tokenize_batch(&recs, Threads::Single, AbortFlag::never())
        .unwrap();
    assert_eq!(out, [vec!["ab".to_string()], vec!["c".to_string()]]);
    assert!(utf16_records(&units, &[2, 1]).is_err());
    assert_eq!(utf16_len("a😀é"), 4);
}

#[test]
fn text_words_ending_in_combining_marks_followed_by_text() {
    let t = tok(TokenizerOptions {
        normalize: Normalization::None,
        case: CaseMapping::None,
        ..Default::default()
    });
    assert_eq!(t.tokenize("नमस्ते!"), ["नमस्ते"]);
    assert_eq!(t.tokenize("cafe\u{301} x"), ["cafe\u{301}", "x"]);
    assert_eq!(t.tokenize("ab\u{200d}!"), ["ab\u{200d}"]);
    assert_eq!(t.tokenize("\u{301}!"), Vec::<String>::new());
}
