//! The entry path rules of `runtime.md` §10.2, checked on components, never on prefixes.

use crate::{PathProblem, MAX_PATH_BYTES, MAX_PATH_DEPTH};

/// Checks an entry path against every rule and returns it as text.
///
/// A path is relative, `/`-separated UTF-8 of at most 255 bytes and 16 components, without
/// `\`, NUL, or empty, `.` and `..` components.
pub fn check_path(raw: &[u8]) -> Result<&str, PathProblem> {
    if raw.is_empty() {
        return Err(PathProblem::Empty);
    }
    if raw.len() > MAX_PATH_BYTES {
        return Err(PathProblem::TooLong);
    }
    if raw.contains(&0) {
        return Err(PathProblem::Nul);
    }
    if raw.contains(&b'\\') {
        return Err(PathProblem::Backslash);
    }
    let path = std::str::from_utf8(raw).map_err(|_| PathProblem::NotUtf8)?;
    if path.starts_with('/') {
        return Err(PathProblem::Absolute);
    }
    let mut depth = 0;
    for component in path.split('/') {
        match component {
            "" => return Err(PathProblem::EmptyComponent),
            "." => return Err(PathProblem::Dot),
            ".." => return Err(PathProblem::DotDot),
            _ => depth += 1,
        }
    }
    if depth > MAX_PATH_DEPTH {
        return Err(PathProblem::TooDeep);
    }
    Ok(path)
}

/// The key two paths are compared by for duplicates: case-insensitive, so a bundle unpacks
/// the same on case-insensitive file systems.
pub(crate) fn fold_case(path: &str) -> String {
    path.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_paths() {
        for path in [
            "manifest.json",
            "frontend/assets/app.js",
            "locales/es.json",
            "a/b/c",
        ] {
            assert_eq!(check_path(path.as_bytes()), Ok(path));
        }
        let deep = vec!["d"; 16].join("/");
        assert!(check_path(deep.as_bytes()).is_ok());
        assert!(check_path("é/ü.txt".as_bytes()).is_ok());
    }

    #[test]
    fn refuses_each_rule() {
        let long = "a".repeat(256);
        let deep = vec!["d"; 17].join("/");
        let cases: &[(&[u8], PathProblem)] = &[
            (b"", PathProblem::Empty),
            (long.as_bytes(), PathProblem::TooLong),
            (deep.as_bytes(), PathProblem::TooDeep),
            (b"a/\xff", PathProblem::NotUtf8),
            (b"/etc/passwd", PathProblem::Absolute),
            (b"a\\b", PathProblem::Backslash),
            (b"a\0b", PathProblem::Nul),
            (b"a//b", PathProblem::EmptyComponent),
            (b"a/", PathProblem::EmptyComponent),
            (b"./a", PathProblem::Dot),
            (b"a/./b", PathProblem::Dot),
            (b"../a", PathProblem::DotDot),
            (b"a/../../b", PathProblem::DotDot),
        ];
        for (raw, problem) in cases {
            assert_eq!(
                check_path(raw),
                Err(*problem),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn dots_inside_names_are_fine() {
        assert!(check_path(b"..a/b..").is_ok());
        assert!(check_path(b".well-known/x").is_ok());
    }
}
