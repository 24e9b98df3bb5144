//! Text that has broken servers: out-of-range dates and numbers spelled as text,
//! malformed ids, markup, control and bidirectional characters, LIKE wildcards, and
//! sizes just under and over the bounds. Real ids of other records are mixed in, so a
//! deal id lands where a stage id belongs.

use uuid::Uuid;

pub fn strings(real_ids: &[Uuid]) -> Vec<String> {
    let mut texts: Vec<String> = [
        // Numbers as text.
        "",
        " ",
        "0",
        "-1",
        "1e308",
        "NaN",
        "Infinity",
        "18446744073709551615",
        "99999999999999999999999",
        "-9223372036854775808",
        "12,500.50",
        "0x1F",
        "1_000",
        // Ids.
        "not-a-uuid",
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "00000000-0000-0000-0000-00000000000g",
        "{00000000-0000-0000-0000-000000000000}",
        "rep:",
        "team:not-a-uuid",
        "everyone",
        // Dates and times at and past every bound.
        "+262142-01-01",
        "+262142-12-31",
        "9999-12-31",
        "-262143-01-01",
        "1969-12-31",
        "1970-01-01",
        "2100-12-31",
        "2101-01-01",
        "2024-02-30",
        "0000-00-00",
        "2026-13-45",
        "+262142-12-31T23:59:59Z",
        "-262143-01-01T00:00:00Z",
        "9999-12-31T23:59",
        "2026-06-01T25:61",
        "1969-12-31T23:59:59.999999999Z",
        // Markup and injection.
        "</title><script>alert(1)</script>",
        "</title><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
        "\"'><img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "{{7*7}}",
        "' OR '1'='1' --",
        "'; DROP TABLE deals; --",
        "\\",
        "%",
        "_",
        "%_%_%_%",
        // Characters.
        "\u{0}",
        "a\u{0}b",
        "\u{202E}gnp.exe",
        "مرحبا بالعالم",
        "🦀🦀🦀",
        "\u{FEFF}",
        "\r\n\r\n",
        "\t",
        "../../etc/passwd",
        "Mars/Olympus_Mons",
        "Europe/Berlin",
        // Enum keys and roles from elsewhere.
        "admin",
        "manager",
        "Won",
        "Lost",
        "web_form",
        "USD",
        "XXX",
        "usd",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    texts.extend([
        "e\u{301}".repeat(500),
        "a".repeat(201),
        "a".repeat(4_096),
        // Just under the body bound once encoded as JSON.
        "x".repeat(60_000),
        // SQLite refuses LIKE patterns over 50,000 bytes.
        "%".repeat(60_000),
        Uuid::new_v4().to_string(),
    ]);
    texts.extend(real_ids.iter().map(Uuid::to_string));
    texts
}
