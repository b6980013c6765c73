//! Whole CLI runs compared with snapshots (trycmd): `tests/cmd/*.toml` and `*.trycmd`, and the README.
//! Refresh with `TRYCMD=overwrite cargo test --test cli`, then read the diff before committing.

#[test]
fn cli() {
    let cases = trycmd::TestCases::new();
    cases.env("NO_COLOR", "1");
    // Tables fit COLUMNS when set: the snapshots are of the unfitted tables.
    cases.env("COLUMNS", "");
    cases
        .case("tests/cmd/*.toml")
        .case("tests/cmd/*.trycmd")
        .case("README.md");
}
