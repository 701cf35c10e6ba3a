//! Semantic versions and version ranges for addon manifests.
//!
//! Manifests carry an addon's own `version`, version requirements on the kernel and on other
//! addons, and the `from` ranges of upgrade steps. This module parses and compares them:
//!
//! * [`Version`] is a Semantic Versioning 2.0.0 version. v3 manifests must use the strict
//!   `MAJOR.MINOR.PATCH[-pre][+build]` form ([`Version::parse_strict`]); legacy v2 manifests
//!   may also write `v1.2` or `3` ([`Version::parse_lenient`]), which is normalised.
//!   Ordering and equality follow Semantic Versioning 2.0.0 precedence, so build metadata is
//!   ignored.
//! * [`Range`] is a version constraint in the syntax of the Go `Masterminds/semver` v3
//!   library: `>=1.2.0 <2.0.0`, `^1.2`, `~2`, `1.x`, `*`,
//!   `1.2 - 1.4.5`, `<1.0.0 || >=2.0.0`, and so on. [`Range::matches`] tests a version and
//!   [`Range::overlaps`] tells whether two ranges have a version in common.
//!
//! Pre-release versions follow the usual rule: a version such as `1.2.3-beta.1` satisfies a
//! range only when a comparator in the same AND-group names a pre-release of `1.2.3`, so
//! `>=1.0.0` never selects a pre-release while `>=1.2.3-alpha <2.0.0` selects `1.2.3-beta`.

use std::cmp::Ordering;
use std::fmt;

/// A semantic version: `MAJOR.MINOR.PATCH`, optional pre-release identifiers and optional
/// build metadata.
///
/// Equality and ordering follow Semantic Versioning 2.0.0 precedence: the build metadata is
/// ignored, so `1.0.0+a == 1.0.0+b`.
#[derive(Debug, Clone)]
pub struct Version {
    /// Major version: incompatible changes.
    pub major: u64,
    /// Minor version: compatible additions.
    pub minor: u64,
    /// Patch version: compatible fixes.
    pub patch: u64,
    /// Dot-separated pre-release identifiers; empty for a release.
    pub pre: Vec<PreRelease>,
    /// Build metadata (the text after `+`), ignored for precedence.
    pub build: Option<String>,
}

/// One dot-separated identifier of a pre-release (`beta`, `1` in `1.0.0-beta.1`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PreRelease {
    /// An identifier made of ASCII digits only, compared numerically.
    Numeric(u64),
    /// Any other identifier, compared lexically in ASCII order.
    Alpha(String),
}

impl Ord for PreRelease {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PreRelease::Numeric(a), PreRelease::Numeric(b)) => a.cmp(b),
            (PreRelease::Numeric(_), PreRelease::Alpha(_)) => Ordering::Less,
            (PreRelease::Alpha(_), PreRelease::Numeric(_)) => Ordering::Greater,
            (PreRelease::Alpha(a), PreRelease::Alpha(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

impl PartialOrd for PreRelease {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PreRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreRelease::Numeric(n) => write!(f, "{n}"),
            PreRelease::Alpha(s) => f.write_str(s),
        }
    }
}

impl Version {
    /// A release version `major.minor.patch` with no pre-release and no build metadata.
    #[must_use]
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre: Vec::new(),
            build: None,
        }
    }

    /// True when the version carries pre-release identifiers.
    #[must_use]
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }

    /// Parses the v3 strict form,
    /// `^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`, with ASCII digits only.
    ///
    /// Leading zeros are accepted and compared numerically (`01.2.3 == 1.2.3`); a
    /// pre-release identifier made only of digits is [`PreRelease::Numeric`]. Returns `None`
    /// when the text does not match or a number does not fit in `u64`.
    #[must_use]
    pub fn parse_strict(s: &str) -> Option<Version> {
        let (core, suffix) = split_core(s);
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() != 3 {
            return None;
        }
        let (pre, build) = parse_suffix(suffix)?;
        Some(Version {
            major: parse_num(parts[0])?,
            minor: parse_num(parts[1])?,
            patch: parse_num(parts[2])?,
            pre,
            build,
        })
    }

    /// [`Version::parse_lenient`] without the normalised flag: what comparing two installed
    /// versions needs.
    #[must_use]
    pub fn lenient(s: &str) -> Option<Version> {
        Version::parse_lenient(s).map(|(version, _)| version)
    }

    /// Parses the v2 lenient form,
    /// `^v?(\d+)(\.\d+)?(\.\d+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`.
    ///
    /// A leading `v` is dropped and a missing minor or patch becomes `0`. Returns the version
    /// and whether it was normalised, i.e. whether the `v` was dropped or a `.0` was added (the
    /// text was not already in strict form).
    #[must_use]
    pub fn parse_lenient(s: &str) -> Option<(Version, bool)> {
        let (body, dropped_v) = match s.strip_prefix('v') {
            Some(rest) => (rest, true),
            None => (s, false),
        };
        let (core, suffix) = split_core(body);
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3 {
            return None;
        }
        let mut nums = [0u64; 3];
        for (slot, part) in nums.iter_mut().zip(&parts) {
            *slot = parse_num(part)?;
        }
        let (pre, build) = parse_suffix(suffix)?;
        let version = Version {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre,
            build,
        };
        Some((version, dropped_v || parts.len() < 3))
    }

    /// The same version without pre-release or build.
    fn release(&self) -> Version {
        Version::new(self.major, self.minor, self.patch)
    }

    /// `major.minor.patch` as a tuple.
    fn triple(&self) -> (u64, u64, u64) {
        (self.major, self.minor, self.patch)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.triple().cmp(&other.triple()).then_with(|| {
            match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                // A pre-release is lower than the release it precedes.
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                // Identifier by identifier; a shorter list that is a prefix is lower.
                (false, false) => self.pre.cmp(&other.pre),
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        for (i, id) in self.pre.iter().enumerate() {
            f.write_str(if i == 0 { "-" } else { "." })?;
            write!(f, "{id}")?;
        }
        if let Some(build) = &self.build {
            write!(f, "+{build}")?;
        }
        Ok(())
    }
}

/// Splits a version into its dotted numeric core and the rest (`""`, or text starting with
/// `-` or `+`).
fn split_core(s: &str) -> (&str, &str) {
    s.split_at(s.find(['-', '+']).unwrap_or(s.len()))
}

/// A non-empty run of ASCII digits that fits in `u64`.
fn parse_num(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Characters allowed in pre-release and build text.
fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'-'
}

/// Parses `[-pre][+build]`; `None` when the text is anything else.
fn parse_suffix(s: &str) -> Option<(Vec<PreRelease>, Option<String>)> {
    let (pre_text, build_text) = match s.split_once('+') {
        Some((pre, build)) => (pre, Some(build)),
        None => (s, None),
    };
    let pre = if pre_text.is_empty() {
        Vec::new()
    } else {
        let body = pre_text.strip_prefix('-')?;
        if body.is_empty() || !body.bytes().all(is_ident_char) {
            return None;
        }
        body.split('.')
            .map(|id| {
                if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
                    id.parse().ok().map(PreRelease::Numeric)
                } else {
                    Some(PreRelease::Alpha(id.to_string()))
                }
            })
            .collect::<Option<Vec<_>>>()?
    };
    let build = match build_text {
        None => None,
        Some(b) if !b.is_empty() && b.bytes().all(is_ident_char) => Some(b.to_string()),
        Some(_) => return None,
    };
    Some((pre, build))
}

/// Why a version range did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError {
    /// A human-readable description, e.g. "dangling operator `>=` with no version".
    pub message: String,
}

impl RangeError {
    fn new(message: impl Into<String>) -> RangeError {
        RangeError {
            message: message.into(),
        }
    }
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RangeError {}

/// A version range: comparators joined by AND (`,` or whitespace), groups joined by `||`.
///
/// The syntax is that of Go's `Masterminds/semver` v3 constraints; see the module
/// documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    /// The text as written.
    text: String,
    /// OR of AND-groups.
    groups: Vec<Vec<Comparator>>,
}

/// One end of an interval.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Bound {
    version: Version,
    inclusive: bool,
}

/// A contiguous set of versions; `None` ends are unbounded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Interval {
    lower: Option<Bound>,
    upper: Option<Bound>,
}

impl Interval {
    const ALL: Interval = Interval {
        lower: None,
        upper: None,
    };

    fn at_least(version: Version, inclusive: bool) -> Interval {
        Interval {
            lower: Some(Bound { version, inclusive }),
            upper: None,
        }
    }

    fn below(version: Version, inclusive: bool) -> Interval {
        Interval {
            lower: None,
            upper: Some(Bound { version, inclusive }),
        }
    }

    /// `[lower, upper)`, unbounded above when `upper` is `None`.
    fn half_open(lower: Version, upper: Option<Version>) -> Interval {
        Interval {
            lower: Some(Bound {
                version: lower,
                inclusive: true,
            }),
            upper: upper.map(|version| Bound {
                version,
                inclusive: false,
            }),
        }
    }

    fn exactly(version: Version) -> Interval {
        Interval {
            lower: Some(Bound {
                version: version.clone(),
                inclusive: true,
            }),
            upper: Some(Bound {
                version,
                inclusive: true,
            }),
        }
    }

    fn contains(&self, v: &Version) -> bool {
        admits_lower(self.lower.as_ref(), v) && admits_upper(self.upper.as_ref(), v)
    }
}

fn admits_lower(bound: Option<&Bound>, v: &Version) -> bool {
    bound.is_none_or(|b| {
        if b.inclusive {
            *v >= b.version
        } else {
            *v > b.version
        }
    })
}

fn admits_upper(bound: Option<&Bound>, v: &Version) -> bool {
    bound.is_none_or(|b| {
        if b.inclusive {
            *v <= b.version
        } else {
            *v < b.version
        }
    })
}

/// The tighter of two lower bounds.
fn max_lower(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(match a.version.cmp(&b.version) {
            Ordering::Greater => a,
            Ordering::Less => b,
            Ordering::Equal => Bound {
                inclusive: a.inclusive && b.inclusive,
                ..a
            },
        }),
    }
}

/// The tighter of two upper bounds.
fn min_upper(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(match a.version.cmp(&b.version) {
            Ordering::Less => a,
            Ordering::Greater => b,
            Ordering::Equal => Bound {
                inclusive: a.inclusive && b.inclusive,
                ..a
            },
        }),
    }
}

/// What a comparator requires of a version.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Test {
    /// The version lies in the interval.
    Within(Interval),
    /// The version lies outside the interval (`!=`).
    Outside(Interval),
    /// Nothing satisfies it (`>*`).
    Never,
}

/// One parsed comparator.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    test: Test,
    /// `major.minor.patch` of the version written, when it names a pre-release: pre-releases
    /// of exactly that triple may satisfy the comparator's group.
    anchor: Option<(u64, u64, u64)>,
}

impl Comparator {
    fn matches(&self, v: &Version) -> bool {
        match &self.test {
            Test::Within(i) => i.contains(v),
            Test::Outside(i) => !i.contains(v),
            Test::Never => false,
        }
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

/// Operator spellings, longest first so that `>=` wins over `>`.
const OPS: [(&str, Op); 11] = [
    (">=", Op::Ge),
    ("=>", Op::Ge),
    ("<=", Op::Le),
    ("=<", Op::Le),
    ("!=", Op::Ne),
    ("~>", Op::Tilde),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
    ("~", Op::Tilde),
    ("^", Op::Caret),
];

/// Splits a leading operator off a word: `(Some((op, spelling)), rest)`.
fn split_op(word: &str) -> (Option<(Op, &'static str)>, &str) {
    for (spelling, op) in OPS {
        if let Some(rest) = word.strip_prefix(spelling) {
            return (Some((op, spelling)), rest);
        }
    }
    (None, word)
}

/// A possibly partial version as written in a range: `1`, `1.2`, `1.x`, `*`, `1.2.3-beta`.
/// `None` components are wildcards or missing; once one is `None`, the later ones are too.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Vec<PreRelease>,
}

fn is_wildcard(s: &str) -> bool {
    matches!(s, "*" | "x" | "X")
}

fn parse_partial(text: &str) -> Result<Partial, RangeError> {
    let not_a_version = || RangeError::new(format!("`{text}` is not a version"));
    let body = text.strip_prefix('v').unwrap_or(text);
    let (core, suffix) = split_core(body);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err(RangeError::new(format!(
            "`{text}` has more than three components (MAJOR.MINOR.PATCH)"
        )));
    }
    if is_wildcard(parts[0]) && parts.len() > 1 {
        return Err(not_a_version());
    }
    let mut nums = [None; 3];
    let mut wild = false;
    for (slot, part) in nums.iter_mut().zip(&parts) {
        if is_wildcard(part) {
            wild = true;
        } else if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_version());
        } else {
            let n = parse_num(part)
                .ok_or_else(|| RangeError::new(format!("`{text}`: `{part}` is too large")))?;
            // Anything after a wildcard is a wildcard too (`1.x.3` means `1.x`).
            if !wild {
                *slot = Some(n);
            }
        }
    }
    let (pre, _build) = parse_suffix(suffix).ok_or_else(not_a_version)?;
    Ok(Partial {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre,
    })
}

/// `major.minor.0`, or `None` (infinity) when it overflows.
fn next_minor(major: u64, minor: u64) -> Option<Version> {
    match minor.checked_add(1) {
        Some(m) => Some(Version::new(major, m, 0)),
        None => next_major(major),
    }
}

/// `(major + 1).0.0`, or `None` (infinity) when it overflows.
fn next_major(major: u64) -> Option<Version> {
    major.checked_add(1).map(|m| Version::new(m, 0, 0))
}

/// `major.minor.(patch + 1)`, or `None` (infinity) when it overflows.
fn next_patch(v: &Version) -> Option<Version> {
    match v.patch.checked_add(1) {
        Some(p) => Some(Version::new(v.major, v.minor, p)),
        None => next_minor(v.major, v.minor),
    }
}

impl Partial {
    /// The lowest version the partial stands for, wildcards as `0`, keeping the pre-release.
    fn floor(&self) -> Version {
        Version {
            major: self.major.unwrap_or(0),
            minor: self.minor.unwrap_or(0),
            patch: self.patch.unwrap_or(0),
            pre: self.pre.clone(),
            build: None,
        }
    }

    /// For a partial, the first version above everything it stands for (`1.2` → `1.3.0`);
    /// `None` means there is none (`*`). Only meaningful when `!self.is_full()`.
    fn ceil(&self) -> Option<Version> {
        match (self.major, self.minor) {
            (None, _) => None,
            (Some(major), None) => next_major(major),
            (Some(major), Some(minor)) => next_minor(major, minor),
        }
    }

    fn is_full(&self) -> bool {
        self.patch.is_some()
    }

    /// Everything the partial stands for: the exact version, or the span of a partial.
    fn span(&self) -> Interval {
        if self.is_full() {
            Interval::exactly(self.floor())
        } else {
            Interval::half_open(self.floor(), self.ceil())
        }
    }

    /// The comparator `op self`, following Masterminds' treatment of partial versions.
    fn comparator(&self, op: Op) -> Comparator {
        let floor = self.floor();
        let test = match op {
            Op::Eq => Test::Within(self.span()),
            Op::Ne => Test::Outside(self.span()),
            Op::Gt if self.is_full() => Test::Within(Interval::at_least(floor, false)),
            // `>1.2` is above every 1.2.x.
            Op::Gt => match self.ceil() {
                Some(c) => Test::Within(Interval::at_least(c, true)),
                None => Test::Never,
            },
            Op::Ge => Test::Within(Interval::at_least(floor, true)),
            Op::Lt => Test::Within(Interval::below(floor, false)),
            Op::Le if self.is_full() => Test::Within(Interval::below(floor, true)),
            // `<=1.2` includes every 1.2.x.
            Op::Le => Test::Within(match self.ceil() {
                Some(c) => Interval::below(c, false),
                None => Interval::ALL,
            }),
            Op::Tilde => Test::Within(match (self.major, self.minor) {
                (None, _) => Interval::ALL,
                // Masterminds: `~0.0.0` accepts everything from 0.0.0 up.
                _ if self.is_full() && floor.triple() == (0, 0, 0) => {
                    Interval::at_least(floor, true)
                }
                (Some(major), None) => Interval::half_open(floor, next_major(major)),
                (Some(major), Some(minor)) => Interval::half_open(floor, next_minor(major, minor)),
            }),
            Op::Caret => Test::Within(match (self.major, self.minor, self.patch) {
                (None, _, _) => Interval::ALL,
                (Some(major), minor, _) if major > 0 || minor.is_none() => {
                    Interval::half_open(floor, next_major(major))
                }
                (Some(major), Some(minor), patch) if minor > 0 || patch.is_none() => {
                    Interval::half_open(floor, next_minor(major, minor))
                }
                // `^0.0.z` is `>=0.0.z <0.0.(z+1)`.
                _ => {
                    let upper = next_patch(&floor);
                    Interval::half_open(floor, upper)
                }
            }),
        };
        let anchor = (!self.pre.is_empty()).then(|| self.floor().triple());
        Comparator { test, anchor }
    }
}

/// A lexical piece of an AND-group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Comma,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_whitespace() || c == ',' {
            if let Some(s) = start.take() {
                tokens.push(Token::Word(&text[s..i]));
            }
            if c == ',' {
                tokens.push(Token::Comma);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push(Token::Word(&text[s..]));
    }
    tokens
}

/// A word that can stand as a version on its own (no operator, not a hyphen).
fn bare_word<'a>(token: Option<&Token<'a>>) -> Option<&'a str> {
    match token {
        Some(Token::Word(w)) if *w != "-" && split_op(w).0.is_none() => Some(w),
        _ => None,
    }
}

fn parse_group(text: &str) -> Result<Vec<Comparator>, RangeError> {
    let tokens = tokenize(text);
    let mut comparators = Vec::new();
    let mut i = 0;
    loop {
        let word = match tokens.get(i) {
            Some(Token::Word(w)) => *w,
            Some(Token::Comma) => {
                return Err(RangeError::new(format!(
                    "unexpected `,` in `{}`: expected a comparator",
                    text.trim()
                )));
            }
            None => {
                return Err(RangeError::new(format!(
                    "trailing `,` in `{}`: expected a comparator after it",
                    text.trim()
                )));
            }
        };
        i += 1;
        if word == "-" {
            return Err(RangeError::new(
                "misplaced `-`: a hyphen range is written `1.2.3 - 2.3.4`, with bare versions on both sides",
            ));
        }
        let (op, rest) = split_op(word);
        let version_text = match op {
            Some((_, spelling)) if rest.is_empty() => match bare_word(tokens.get(i)) {
                Some(next) => {
                    i += 1;
                    next
                }
                None => {
                    return Err(RangeError::new(format!(
                        "dangling operator `{spelling}` with no version"
                    )));
                }
            },
            _ => rest,
        };
        let partial = parse_partial(version_text)?;
        match op {
            None if tokens.get(i) == Some(&Token::Word("-")) => {
                let upper = bare_word(tokens.get(i + 1)).ok_or_else(|| {
                    RangeError::new(format!(
                        "hyphen range `{version_text} -` has no upper version"
                    ))
                })?;
                let upper = parse_partial(upper)?;
                i += 2;
                comparators.push(partial.comparator(Op::Ge));
                comparators.push(upper.comparator(Op::Le));
            }
            _ => comparators.push(partial.comparator(op.map_or(Op::Eq, |(op, _)| op))),
        }
        match tokens.get(i) {
            None => return Ok(comparators),
            Some(Token::Comma) => i += 1,
            Some(Token::Word(_)) => {}
        }
    }
}

impl Range {
    /// Parses a range in the Masterminds/semver v3 syntax.
    ///
    /// An empty or blank string, an operator with no version, an empty side of `||`, a
    /// stray `,` or anything that is not a (partial) version is an error.
    ///
    /// # Errors
    ///
    /// A [`RangeError`] describing the first problem found.
    pub fn parse(s: &str) -> Result<Range, RangeError> {
        if s.trim().is_empty() {
            return Err(RangeError::new("empty version range"));
        }
        let groups = s
            .split("||")
            .map(|group| {
                if group.trim().is_empty() {
                    Err(RangeError::new(format!(
                        "`||` with an empty side in `{}`",
                        s.trim()
                    )))
                } else {
                    parse_group(group)
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Range {
            text: s.to_string(),
            groups,
        })
    }

    /// True when `v` satisfies the range: every comparator of some `||` group holds, and if
    /// `v` is a pre-release, a comparator of that group names a pre-release of the same
    /// `major.minor.patch`.
    #[must_use]
    pub fn matches(&self, v: &Version) -> bool {
        self.groups.iter().any(|group| {
            group.iter().all(|c| c.matches(v))
                && (!v.is_prerelease() || group.iter().any(|c| c.anchor == Some(v.triple())))
        })
    }

    /// True when some version satisfies both ranges (used to warn about overlapping upgrade
    /// steps).
    ///
    /// This reasons about intervals: `!=` exclusions are ignored, and pre-release versions
    /// are only considered where both groups name a pre-release of the same
    /// `major.minor.patch`.
    #[must_use]
    pub fn overlaps(&self, other: &Range) -> bool {
        self.groups
            .iter()
            .any(|a| other.groups.iter().any(|b| groups_overlap(a, b)))
    }

    /// The range text as written.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// As its text, `1.2.3-beta.1+build` (the canonical IR hash serialises the IR).
impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// As the text written (the canonical IR hash serialises the IR).
impl serde::Serialize for Range {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether the conjunction of AND-groups `a` and `b` admits a version (ignoring `!=`).
fn groups_overlap(a: &[Comparator], b: &[Comparator]) -> bool {
    let mut lower = None;
    let mut upper = None;
    for c in a.iter().chain(b) {
        match &c.test {
            Test::Within(i) => {
                lower = max_lower(lower, i.lower.clone());
                upper = min_upper(upper, i.upper.clone());
            }
            Test::Outside(_) => {}
            Test::Never => return false,
        }
    }
    // The smallest release admitted by the lower bound, if it also fits under the upper one.
    let first_release = match &lower {
        None => Some(Version::new(0, 0, 0)),
        Some(b) if b.version.is_prerelease() => Some(b.version.release()),
        Some(b) if b.inclusive => Some(b.version.clone()),
        Some(b) => next_patch(&b.version),
    };
    if first_release.is_some_and(|r| admits_upper(upper.as_ref(), &r)) {
        return true;
    }
    // Pre-releases of a triple both groups name: all lie in [triple-0, triple).
    a.iter()
        .filter_map(|c| c.anchor)
        .filter(|t| b.iter().any(|c| c.anchor == Some(*t)))
        .any(|(major, minor, patch)| {
            let release = Version::new(major, minor, patch);
            let lowest_pre = Version {
                pre: vec![PreRelease::Numeric(0)],
                ..release.clone()
            };
            let lo = max_lower(
                lower.clone(),
                Some(Bound {
                    version: lowest_pre,
                    inclusive: true,
                }),
            );
            let hi = min_upper(
                upper.clone(),
                Some(Bound {
                    version: release,
                    inclusive: false,
                }),
            );
            match (lo, hi) {
                (Some(lo), Some(hi)) => match lo.version.cmp(&hi.version) {
                    Ordering::Less => true,
                    Ordering::Equal => lo.inclusive && hi.inclusive,
                    Ordering::Greater => false,
                },
                _ => true,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse_strict(s).unwrap_or_else(|| panic!("bad test version {s}"))
    }

    fn r(s: &str) -> Range {
        Range::parse(s).unwrap_or_else(|e| panic!("bad test range {s}: {e}"))
    }

    fn m(range: &str, version: &str) -> bool {
        r(range).matches(&v(version))
    }

    #[test]
    fn strict_parsing() {
        let x = v("1.2.3-beta.11+build.5");
        assert_eq!((x.major, x.minor, x.patch), (1, 2, 3));
        assert_eq!(
            x.pre,
            vec![PreRelease::Alpha("beta".into()), PreRelease::Numeric(11)]
        );
        assert_eq!(x.build.as_deref(), Some("build.5"));
        assert_eq!(v("01.002.3"), Version::new(1, 2, 3));
        assert!(v("1.0.0-x-y--z").is_prerelease());
        for bad in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            "1.2.3.4",
            "1.2.3-",
            "1.2.3+",
            "1.2.3-a+",
            "1.2.3-a_b",
            "1.2.3+a+b",
            " 1.2.3",
            "1.2.3 ",
            "a.b.c",
            "1..3",
            "١.2.3",
            "1.2.-3",
            "99999999999999999999.0.0",
        ] {
            assert_eq!(Version::parse_strict(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn lenient_parsing() {
        assert_eq!(
            Version::parse_lenient("1.2.3"),
            Some((Version::new(1, 2, 3), false))
        );
        assert_eq!(
            Version::parse_lenient("v1.2.3"),
            Some((Version::new(1, 2, 3), true))
        );
        assert_eq!(
            Version::parse_lenient("1.2"),
            Some((Version::new(1, 2, 0), true))
        );
        let (x, normalised) = Version::parse_lenient("v3-rc.1+b").unwrap();
        assert!(normalised);
        assert_eq!(x.to_string(), "3.0.0-rc.1+b");
        assert_eq!(
            Version::parse_lenient("2.0.0-rc.1"),
            Some((v("2.0.0-rc.1"), false))
        );
        for bad in ["", "v", "V1", "1.2.3.4", "vv1", "1.", "1.x", "1.2-", "-1"] {
            assert_eq!(
                Version::parse_lenient(bad),
                None,
                "{bad:?} should not parse"
            );
        }
    }

    #[test]
    fn precedence() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "1.10.0",
            "2.0.0",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        // ASCII order: upper case sorts before lower case.
        assert!(v("1.0.0-Z") < v("1.0.0-a"));
        // Build metadata is ignored for equality and ordering.
        assert_eq!(v("1.0.0+a"), v("1.0.0+b"));
        assert_eq!(v("1.0.0+a").cmp(&v("1.0.0")), Ordering::Equal);
        assert_ne!(v("1.0.0-a"), v("1.0.0"));
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(v("1.2.3").to_string(), "1.2.3");
        assert_eq!(
            v("01.02.03-rc.01+exp.sha.5114f85").to_string(),
            "1.2.3-rc.1+exp.sha.5114f85"
        );
        assert_eq!(Version::parse_lenient("v1").unwrap().0.to_string(), "1.0.0");
        assert_eq!(Version::lenient("v1.2"), Some(Version::new(1, 2, 0)));
        assert_eq!(Version::lenient("1.x"), None);
    }

    #[test]
    fn required_examples_parse() {
        for ok in [
            ">=3.0.0 <4.0.0",
            ">=2.0.0 <3.0.0",
            ">=1.0.0",
            "^1.2",
            "~2",
            "1.x",
            "*",
            ">= 1.2, < 2",
            "1.2 - 1.4.5",
            "<1.0.0 || >=2.0.0",
            ">=1.0.0-beta.1",
            "v1.2.3",
            "~> 1.2",
            "=>1.0, =<2.0",
            "  >=1.0.0  ,<2  ",
            "!=1.2.3",
            "1.2.3+build",
        ] {
            assert!(Range::parse(ok).is_ok(), "{ok:?} should parse");
        }
        assert_eq!(r(" ^1.2 ").as_str(), " ^1.2 ");
        assert_eq!(r("^1.2").to_string(), "^1.2");
    }

    #[test]
    fn required_failures() {
        for bad in [
            "",
            "   ",
            ">=",
            "1.2.3.4",
            "abc",
            ">=1.0.0 ||",
            "=> =>1",
            "|| 1.0.0",
            "1.0.0 || || 2.0.0",
            "1.0.0 | 2.0.0",
            ">=1.0.0,",
            ",>=1.0.0",
            "1.0.0,,2.0.0",
            "1.2 -",
            "1.2 - >=1.4",
            ">=1.2 - 1.4",
            "- 1.2",
            "1.2 -1.4",
            "x.1",
            "1..2",
            "1.2.3-",
            ">=, 1.0",
            "V1.2",
        ] {
            assert!(Range::parse(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(
            Range::parse(">=").unwrap_err().message,
            "dangling operator `>=` with no version"
        );
        assert_eq!(
            Range::parse(">= || 1").unwrap_err().to_string(),
            "dangling operator `>=` with no version"
        );
        assert!(Range::parse("1.2.3.4")
            .unwrap_err()
            .message
            .contains("more than three"));
        assert!(Range::parse("1 ||")
            .unwrap_err()
            .message
            .contains("empty side"));
    }

    #[test]
    fn wildcards_and_bare_versions() {
        assert!(m("*", "0.0.0") && m("*", "123.4.5") && m("x", "9.9.9"));
        assert!(m("1.2.x", "1.2.0") && m("1.2.x", "1.2.99") && !m("1.2.x", "1.3.0"));
        assert!(!m("1.2.x", "1.1.9"));
        assert!(m("1.x", "1.9.9") && !m("1.x", "2.0.0"));
        assert!(m("1.X.x", "1.0.0") && m("1.*", "1.5.0"));
        assert!(m("2", "2.0.0") && m("2", "2.9.1") && !m("2", "3.0.0") && !m("2", "1.9.9"));
        assert!(m("1.2", "1.2.7") && !m("1.2", "1.3.0"));
        assert!(m("1.2.3", "1.2.3") && !m("1.2.3", "1.2.4") && !m("1.2.3", "1.2.2"));
        assert!(m("=1.2.3", "1.2.3+meta") && m("v1.2.3", "1.2.3"));
    }

    #[test]
    fn tilde_and_caret() {
        assert!(m("~1.2.3", "1.2.3") && m("~1.2.3", "1.2.9") && !m("~1.2.3", "1.3.0"));
        assert!(!m("~1.2.3", "1.2.2"));
        assert!(m("~1.2", "1.2.0") && !m("~1.2", "1.3.0"));
        assert!(m("~1", "1.9.0") && !m("~1", "2.0.0") && !m("~1", "0.9.0"));
        assert!(m("~>1.2", "1.2.5") && m("~> 1.2", "1.2.5"));
        assert!(
            m("~0.0.0", "5.0.0"),
            "Masterminds: ~0.0.0 accepts everything"
        );
        assert!(m("^1.2.3", "1.2.3") && m("^1.2.3", "1.9.0") && !m("^1.2.3", "2.0.0"));
        assert!(!m("^1.2.3", "1.2.2"));
        assert!(m("^1.2", "1.2.0") && m("^1.2", "1.99.0") && !m("^1.2", "1.1.0"));
        assert!(m("^0.2.3", "0.2.9") && !m("^0.2.3", "0.3.0") && !m("^0.2.3", "0.2.2"));
        assert!(m("^0.0.3", "0.0.3") && !m("^0.0.3", "0.0.4"));
        assert!(m("^0.0", "0.0.9") && !m("^0.0", "0.1.0"));
        assert!(m("^0", "0.9.9") && !m("^0", "1.0.0"));
        assert!(m("^*", "7.0.0") && m("~*", "7.0.0"));
    }

    #[test]
    fn comparison_operators() {
        assert!(m(">1.2.3", "1.2.4") && !m(">1.2.3", "1.2.3"));
        assert!(m("<1.2.3", "1.2.2") && !m("<1.2.3", "1.2.3"));
        assert!(m(">=1.2.3", "1.2.3") && m("<=1.2.3", "1.2.3") && !m("<=1.2.3", "1.2.4"));
        assert!(m("=>1.2.3", "1.2.3") && !m("=>1.2.3", "1.2.2"));
        assert!(m("=<1.2.3", "1.2.3") && !m("=<1.2.3", "1.2.4"));
        // Partials, as Masterminds treats them.
        assert!(!m(">1.2", "1.2.9") && m(">1.2", "1.3.0"));
        assert!(!m(">1", "1.9.9") && m(">1", "2.0.0"));
        assert!(m("<=1.2", "1.2.9") && !m("<=1.2", "1.3.0"));
        assert!(m(">=1.2", "1.2.0") && !m(">=1.2", "1.1.9"));
        assert!(m("<1.2", "1.1.9") && !m("<1.2", "1.2.0"));
        assert!(m("!=1.2.3", "1.2.4") && !m("!=1.2.3", "1.2.3"));
        assert!(!m("!=1.2.x", "1.2.7") && m("!=1.2.x", "1.3.0"));
        assert!(!m(">*", "1.0.0") && !m("<*", "0.0.0") && m("<=*", "9.0.0") && m(">=*", "0.0.0"));
    }

    #[test]
    fn and_or_and_hyphen() {
        assert!(m(">=3.0.0 <4.0.0", "3.5.0") && !m(">=3.0.0 <4.0.0", "4.0.0"));
        assert!(m(">= 1.2, < 2", "1.5.0") && !m(">= 1.2, < 2", "2.0.0"));
        assert!(m(">=1.0.0,<2.0.0", "1.0.0"));
        assert!(m("1.2 - 1.4.5", "1.2.0") && m("1.2 - 1.4.5", "1.4.5"));
        assert!(!m("1.2 - 1.4.5", "1.4.6") && !m("1.2 - 1.4.5", "1.1.9"));
        assert!(m("1.2 - 1.4", "1.4.9") && !m("1.2 - 1.4", "1.5.0"));
        assert!(m("<1.0.0 || >=2.0.0", "0.5.0") && m("<1.0.0 || >=2.0.0", "2.1.0"));
        assert!(!m("<1.0.0 || >=2.0.0", "1.5.0"));
        assert!(m(">=1.0.0 !=1.5.0 <2.0.0", "1.4.0") && !m(">=1.0.0 !=1.5.0 <2.0.0", "1.5.0"));
    }

    #[test]
    fn pre_releases() {
        // Never matched unless the group names a pre-release of the same triple.
        assert!(!m(">=1.0.0", "1.5.0-beta"));
        assert!(!m("*", "1.0.0-alpha"));
        assert!(!m("<2.0.0", "2.0.0-rc.1"));
        assert!(m(">=1.0.0-beta.1", "1.0.0-beta.2"));
        assert!(!m(">=1.0.0-beta.1", "1.0.0-alpha"));
        assert!(!m(">=1.0.0-beta.1", "1.0.1-beta.2"));
        assert!(m(">=1.0.0-beta.1", "1.0.1"));
        assert!(m(">=1.2.3-alpha <2.0.0", "1.2.3-beta"));
        assert!(!m(">=1.2.3-alpha <2.0.0 || >=3.0.0", "3.1.0-beta"));
        assert!(m("1.2.3-beta", "1.2.3-beta") && !m("1.2.3-beta", "1.2.3"));
        assert!(m("^1.2.3-rc.1", "1.2.3-rc.2") && m("^1.2.3-rc.1", "1.9.0"));
    }

    #[test]
    fn overlap() {
        let o = |a: &str, b: &str| r(a).overlaps(&r(b));
        assert!(o(">=1.0.0 <2.0.0", ">=1.5.0"));
        assert!(!o("<1.0.0", ">=1.0.0"));
        assert!(o("^1", "~1.4"));
        assert!(o("1.2.3", "1.2.3"));
        assert!(!o("<1.0.0", ">1.0.0"));
        assert!(!o(">1.0.0", "<1.0.1"));
        assert!(o(">1.0.0", "<=1.0.1"));
        assert!(o("<=1.0.0", ">=1.0.0"));
        assert!(!o("1.2.3", "1.2.4"));
        assert!(o("*", "7.x"));
        assert!(!o("1.x", "2.x"));
        assert!(o("<1.0.0 || >=3.0.0", "^3.2"));
        assert!(!o("<1.0.0 || >=3.0.0", "^2.2"));
        assert!(!o(">*", "*"));
        assert!(o("!=1.2.3", "1.2.3"), "`!=` is ignored");
        assert!(o(">=1.0.0-alpha <1.0.0", "~1.0.0-beta"));
        assert!(!o(">=1.0.0-alpha <1.0.0", "<1.0.0"));
        assert!(o("1.2.3", "1.2.3") && o("^1.2", "1.2 - 1.3"));
        // Symmetric.
        assert!(!o(">=1.0.0", "<1.0.0"));
    }
}
