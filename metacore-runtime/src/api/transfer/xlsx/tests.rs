use std::io::Write;

use super::*;

/// A one-sheet workbook made by the export writer.
fn exported(headers: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut sheet = Sheet::new(headers.iter().map(|h| h.to_string()).collect()).unwrap();
    for row in rows {
        sheet.append(row.iter()).unwrap();
    }
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(sheet.finish())
        .unwrap()
}

/// A workbook whose first worksheet is `sheet_xml` (the rest from the writer).
fn with_sheet(sheet_xml: &str) -> Vec<u8> {
    let base = exported(&["a"], &[]);
    let mut source = zip::ZipArchive::new(Cursor::new(base)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..source.len() {
        let mut member = source.by_index(index).unwrap();
        let name = member.name().unwrap().to_string();
        let mut bytes = Vec::new();
        member.read_to_end(&mut bytes).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            bytes = sheet_xml.as_bytes().to_vec();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn sheet_xml(rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
    )
}

#[test]
fn an_export_reads_back_cell_for_cell() {
    let bytes = exported(
        &["Name", "Count", "Price", "Active", "Tags", "Big"],
        &[
            vec![
                Cell::Text("=HYPERLINK(\"x\")".into()),
                Cell::Int(-3),
                Cell::Decimal("12.50".into()),
                Cell::Bool(true),
                Cell::Json(serde_json::json!(["a", "b"])),
                Cell::Decimal("12345678901234567890.123".into()),
            ],
            vec![
                Cell::Null,
                Cell::Int(9_007_199_254_740_993),
                Cell::Null,
                Cell::Bool(false),
                Cell::Null,
                Cell::Null,
            ],
        ],
    );
    let (table, records) = read(&bytes, 100).unwrap();
    assert_eq!(records, 2);
    let headers: Vec<&str> = table.headers.values().map(String::as_str).collect();
    assert_eq!(headers, ["Name", "Count", "Price", "Active", "Tags", "Big"]);
    let first = table.rows[0].as_ref().unwrap();
    assert_eq!(
        first[&0], "=HYPERLINK(\"x\")",
        "text stays text, not a formula"
    );
    assert_eq!(first[&1], "-3");
    assert_eq!(first[&2], "12.5");
    assert_eq!(first[&3], "true");
    assert_eq!(first[&4], r#"["a","b"]"#);
    assert_eq!(
        first[&5], "12345678901234567890.123",
        "kept as text, not rounded"
    );
    let second = table.rows[1].as_ref().unwrap();
    assert!(!second.contains_key(&0), "null is an empty cell");
    assert_eq!(
        second[&1], "9007199254740993",
        "past 2^53 stays exact as text"
    );
    assert_eq!(second[&3], "false");
}

#[test]
fn numbers_are_numbers_only_when_exact() {
    assert_eq!(exact_number("12.50"), Some(12.5));
    assert_eq!(exact_number("-0.10"), Some(-0.1));
    assert_eq!(exact_number("0"), Some(0.0));
    assert_eq!(exact_number("100000000000000000000"), Some(1e20));
    assert_eq!(exact_number("0.1000000000000000055511151231257827"), None);
    assert_eq!(exact_number("12345678901234567890.123"), None);
    assert_eq!(exact_number("NaN"), None);
}

#[test]
fn too_long_a_text_refuses_the_export_naming_the_column() {
    let mut sheet = Sheet::new(vec!["Notes".into()]).unwrap();
    let long = Cell::Text("x".repeat(MAX_CELL_CHARS + 1));
    let error = sheet.append(std::iter::once(&long)).unwrap_err();
    assert_eq!(error.code, "export_cell_too_long");
    assert!(error.message.contains("Notes"), "{}", error.message);
}

#[test]
fn rows_are_numbered_under_the_first_header_with_gaps_kept_blank() {
    let xml = sheet_xml(
        r#"<row r="2"><c r="B2" t="inlineStr"><is><t>Name</t></is></c></row>
<row r="3"><c r="B3" t="inlineStr"><is><t>Ada</t></is></c></row>
<row r="5"><c r="B5"><f>1+1</f><v>2</v></c><c r="C5" t="d"><v>2026-12-05T00:00:00</v></c></row>"#,
    );
    let (table, records) = read(&with_sheet(&xml), 100).unwrap();
    assert_eq!(records, 3);
    assert_eq!(table.headers[&1], "Name");
    assert_eq!(table.rows[0].as_ref().unwrap()[&1], "Ada");
    assert!(table.rows[1].is_none(), "row 4 is blank");
    let third = table.rows[2].as_ref().unwrap();
    assert_eq!(third[&1], "2", "a formula gives its cached value");
    assert!(third[&2].starts_with("2026-12-05"), "{}", third[&2]);
}

#[test]
fn a_far_away_cell_is_counted_not_materialised() {
    let xml = sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>
<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far</t></is></c></row>"#,
    );
    let (table, records) = read(&with_sheet(&xml), 10).unwrap();
    assert_eq!(records, 1_048_575);
    assert!(table.rows.len() <= 10);
}

#[test]
fn an_error_value_refuses_the_file_naming_the_cell() {
    let xml = sheet_xml(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>
<row r="2"><c r="A2" t="e"><v>#DIV/0!</v></c></row>"#,
    );
    let error = read(&with_sheet(&xml), 10).unwrap_err();
    assert_eq!(error.code, "invalid_file");
    assert!(error.message.contains("A2"), "{}", error.message);
}

#[test]
fn a_zip_bomb_is_refused_before_parsing() {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    out.start_file(
        "xl/worksheets/sheet1.xml",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true),
    )
    .unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..=(MAX_EXPANDED_BYTES / (1024 * 1024)) {
        out.write_all(&zeros).unwrap();
    }
    let bytes = out.finish().unwrap().into_inner();
    assert!(
        bytes.len() < 1024 * 1024,
        "compressed to {} bytes",
        bytes.len()
    );
    let error = read(&bytes, 10).unwrap_err();
    assert_eq!(error.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error.message.contains("expands"), "{}", error.message);
}

#[test]
fn what_is_not_a_workbook_is_a_clear_422() {
    for bytes in [&b"name\nAda\n"[..], b"PK\x03\x04garbage", b""] {
        let error = read(bytes, 10).unwrap_err();
        assert_eq!(error.code, "invalid_file", "{}", error.message);
    }
}
