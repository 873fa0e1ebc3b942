use super::*;

const T: &str = "https://v.example/r/abc";

#[test]
fn the_story_link_becomes_the_tracked_link_where_it_stands() {
    let text = compose(
        "Read https://acme.example/jobs, and https://acme.example/jobs/42 too",
        Some("https://acme.example/jobs"),
        T,
        "#AcmeEmployee",
    )
    .unwrap();
    assert_eq!(
        text,
        format!("Read {T}, and https://acme.example/jobs/42 too\n\n#AcmeEmployee")
    );
}

#[test]
fn a_text_without_the_link_gets_it_appended_with_the_disclosure() {
    let text = compose(
        "We are hiring!",
        Some("https://acme.example/jobs"),
        T,
        "#AcmeEmployee",
    )
    .unwrap();
    assert_eq!(text, format!("We are hiring!\n\n{T} #AcmeEmployee"));
}

#[test]
fn a_disclosure_already_written_is_not_repeated_whatever_its_case() {
    let text = compose("Proud #acmeemployee", None, T, "#AcmeEmployee").unwrap();
    assert_eq!(text, "Proud #acmeemployee");
    // A longer tag that merely starts like the disclosure does not count as it.
    let text = compose("#AcmeEmployees rock", None, T, "#AcmeEmployee").unwrap();
    assert_eq!(text, "#AcmeEmployees rock\n\n#AcmeEmployee");
}

#[test]
fn a_disclosure_in_look_alike_or_invisible_characters_does_not_count() {
    for written in [
        "#em\u{200b}ployee",
        "＃ｅｍｐｌｏｙｅｅ",
        "#еmployee", // Cyrillic е
        "#em\u{ad}ployee",
        "#\u{2060}employee",
    ] {
        let refused = compose(&format!("Proud {written} here"), None, T, "#employee");
        assert_eq!(
            refused,
            Err(DisguisedDisclosure {
                written: written.to_string()
            }),
            "{written:?}"
        );
    }
    // A plain copy anywhere is the disclosure; a decomposed accent is plain.
    let text = compose("＃ｅｍｐｌｏｙｅｅ and #Employee", None, T, "#employee").unwrap();
    assert_eq!(text, "＃ｅｍｐｌｏｙｅｅ and #Employee");
    let text = compose("Fière #Salarie\u{301}", None, T, "#Salarié").unwrap();
    assert_eq!(text, "Fière #Salarie\u{301}");
    assert!(DisguisedDisclosure {
        written: "＃ｅｍｐｌｏｙｅｅ".into()
    }
    .message("#employee")
    .contains("write it plainly"));
}

#[test]
fn the_length_counts_the_link_and_the_disclosure_as_the_network_does() {
    let words = "a".repeat(250);
    let text = compose(&words, Some("https://acme.example/j"), T, "#AcmeEmployee").unwrap();
    // X: 250 + 2 (blank line) + 23 (any URL) + 1 + 13 = 289 > 280.
    assert!(check_length(Network::X, &text).unwrap_err().contains("289"));
    assert!(check_length(Network::Linkedin, &text).is_ok());
}
