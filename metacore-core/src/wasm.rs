//! The WASM host ABI and the checks of an addon's WebAssembly backend module.
//!
//! An addon may ship a backend compiled to a core WebAssembly module. The compiler checks it
//! before packaging it, and the runtime again before loading it: this module reads the binary
//! with `wasmparser`, validates it fully and checks that it fits the metacore host ABI:
//!
//! * it is a valid core module (not a component) of reasonable size (`MC1001`, `MC1009`);
//! * it exports its `memory` (`MC1002`), an `alloc(i32) -> i32` (`MC1003`) and, optionally,
//!   `free(i32, i32)` (`MC1008`);
//! * every handler the manifest names is exported (`MC0408`) with a handler calling convention,
//!   `(i32, i32) -> i64` or `(i64) -> i64` (`MC1004`);
//! * its initial memory fits the limit (`MC1009`) and it imports no memory, table, global or
//!   tag (`MC1010`);
//! * every imported function is in the `metacore_host` allow-list with the right signature,
//!   or comes from `wasi_snapshot_preview1` (`MC1005`, `MC1006`, `MC1007`);
//! * it is a reactor rather than a WASI command (`MC1011`).
//!
//! [`inspect`] reads the facts the compiler needs ([`ModuleFacts`]); [`check_module`] turns
//! them into [`Finding`]s. Module-level findings point at the whole manifest (pointer `""`);
//! handler findings point at where the manifest names the handler.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use wasmparser::{
    CompositeInnerType, ExternalKind, Parser, Payload, TypeRef, Validator, WasmFeatures,
};

use crate::finding::Finding;
pub use crate::names::snake_case;

/// Largest backend module accepted, in bytes (10 MiB).
pub const MAX_MODULE_BYTES: usize = 10 * 1024 * 1024;

/// Default limit on the initial memory of a backend module, in bytes (64 MiB).
pub const DEFAULT_MEMORY_LIMIT_BYTES: u64 = 64 * 1024 * 1024;

/// The module the metacore host functions are imported from.
pub const HOST_MODULE: &str = "metacore_host";

/// The WASI preview 1 module, whose imports are accepted as they are.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// Host functions of the upstream ABI that this runtime does not provide yet.
const NOT_YET_PROVIDED: &[&str] = &[
    "http_request",
    "connector_get",
    "data_mutate",
    "data_query",
    "data_batch",
    "sequence_next",
    "options_resolve",
];

/// Names of the allowed `metacore_host` imports, in the order of the ABI table.
const ALLOWED_HOST_NAMES: &[&str] = &[
    "log",
    "env_get",
    "http_fetch",
    "event_emit",
    "db_query",
    "db_exec",
    "kv_get",
    "kv_set",
    "kv_delete",
];

/// A function signature in plain terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// Parameter types, in order.
    pub params: Vec<ValType>,
    /// Result types, in order.
    pub results: Vec<ValType>,
}

impl Signature {
    /// A signature from its parameter and result types.
    pub fn new(params: &[ValType], results: &[ValType]) -> Self {
        Signature {
            params: params.to_vec(),
            results: results.to_vec(),
        }
    }

    fn from_func_type(ty: &wasmparser::FuncType) -> Self {
        Signature {
            params: ty.params().iter().copied().map(ValType::from).collect(),
            results: ty.results().iter().copied().map(ValType::from).collect(),
        }
    }
}

impl fmt::Display for Signature {
    /// Formats as `(i32, i32) -> i64`; no results print as `()`, several as `(i32, i32)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(types: &[ValType]) -> String {
            types
                .iter()
                .map(ValType::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
        write!(f, "({}) -> ", list(&self.params))?;
        match self.results.as_slice() {
            [single] => write!(f, "{single}"),
            results => write!(f, "({})", list(results)),
        }
    }
}

/// A WebAssembly value type, as far as the host ABI cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit float.
    F32,
    /// 64-bit float.
    F64,
    /// Any other type (`v128`, references); never part of the host ABI.
    Other,
}

impl From<wasmparser::ValType> for ValType {
    fn from(ty: wasmparser::ValType) -> Self {
        match ty {
            wasmparser::ValType::I32 => ValType::I32,
            wasmparser::ValType::I64 => ValType::I64,
            wasmparser::ValType::F32 => ValType::F32,
            wasmparser::ValType::F64 => ValType::F64,
            _ => ValType::Other,
        }
    }
}

impl fmt::Display for ValType {
    /// Formats as the WebAssembly text name (`i32`, …); other types print as `other`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::Other => "other",
        })
    }
}

/// The handler calling convention of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerAbi {
    /// `(ptr: i32, len: i32) -> i64`: the input is passed as a pointer and a length.
    PtrLen,
    /// `(packed: i64) -> i64`: pointer and length packed into one `i64`.
    Packed,
}

impl HandlerAbi {
    /// The calling convention `sig` follows, or `None` when it is not a handler signature.
    pub fn of(sig: &Signature) -> Option<HandlerAbi> {
        use ValType::{I32, I64};
        match (sig.params.as_slice(), sig.results.as_slice()) {
            ([I32, I32], [I64]) => Some(HandlerAbi::PtrLen),
            ([I64], [I64]) => Some(HandlerAbi::Packed),
            _ => None,
        }
    }
}

/// What the compiler needs to know about a module (read from its sections).
#[derive(Debug, Clone, Default)]
pub struct ModuleFacts {
    /// Every exported function, by export name, with its signature.
    pub exported_functions: BTreeMap<String, Signature>,
    /// True when an export named `memory` is a memory.
    pub exported_memory: bool,
    /// Every import, in the order of the import section.
    pub imports: Vec<ImportFacts>,
    /// Initial size of the module's own (defined) memory 0, in bytes; `None` without one.
    pub memory_initial_bytes: Option<u64>,
    /// True when the module exports `_start` and no `_initialize` (a WASI command).
    pub exports_start_only: bool,
}

/// One import of a module.
#[derive(Debug, Clone)]
pub struct ImportFacts {
    /// The module imported from (`metacore_host`).
    pub module: String,
    /// The name of the imported item (`log`).
    pub name: String,
    /// What is imported.
    pub kind: ImportKind,
}

/// The kind of an imported item.
#[derive(Debug, Clone)]
pub enum ImportKind {
    /// A function, with its signature.
    Function(Signature),
    /// A linear memory.
    Memory,
    /// A table.
    Table,
    /// A global.
    Global,
    /// An exception tag.
    Tag,
}

impl ImportKind {
    fn describe(&self) -> &'static str {
        match self {
            ImportKind::Function(_) => "a function",
            ImportKind::Memory => "a memory",
            ImportKind::Table => "a table",
            ImportKind::Global => "a global",
            ImportKind::Tag => "a tag",
        }
    }
}

/// Reads and fully validates a core module.
///
/// Returns `Err(message)` for anything that is not a valid core WebAssembly module: bad magic
/// or version, component-model binaries, and anything `wasmparser`'s [`Validator`] rejects.
pub fn inspect(bytes: &[u8]) -> Result<ModuleFacts, String> {
    if Parser::is_component(bytes) {
        return Err(
            "it is a WebAssembly component; component-model binaries are not supported, \
             a core module is required"
                .to_string(),
        );
    }
    if !bytes.starts_with(b"\0asm") {
        return Err("it does not start with the WebAssembly magic number `\\0asm`".to_string());
    }
    let features = WasmFeatures::default();
    let mut validator = Validator::new_with_features(features);
    let types = validator
        .validate_all(bytes)
        .map_err(|e| one_line(&e.to_string()))?;
    let types = types.as_ref();
    if types.core_exports().is_none() {
        return Err("it is not a core WebAssembly module".to_string());
    }

    let mut facts = ModuleFacts::default();
    let mut exported_names = BTreeSet::new();
    let mut parser = Parser::new(0);
    parser.set_features(features);
    for payload in parser.parse_all(bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    let kind = match import.ty {
                        TypeRef::Func(index) | TypeRef::FuncExact(index) => ImportKind::Function(
                            signature_of_type(types, types.core_type_at_in_module(index))?,
                        ),
                        TypeRef::Memory(_) => ImportKind::Memory,
                        TypeRef::Table(_) => ImportKind::Table,
                        TypeRef::Global(_) => ImportKind::Global,
                        TypeRef::Tag(_) => ImportKind::Tag,
                    };
                    facts.imports.push(ImportFacts {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::MemorySection(reader) => {
                // A valid module has at most one memory section; its first entry is the
                // module's own memory 0 (imported memories come before it in the index space).
                if let Some(memory) = reader.into_iter().next() {
                    let memory = memory.map_err(|e| e.to_string())?;
                    let page = 1u64 << memory.page_size_log2.unwrap_or(16);
                    facts.memory_initial_bytes = Some(memory.initial.saturating_mul(page));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| e.to_string())?;
                    exported_names.insert(export.name.to_string());
                    match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            let sig =
                                signature_of_type(types, types.core_function_at(export.index))?;
                            facts
                                .exported_functions
                                .insert(export.name.to_string(), sig);
                        }
                        ExternalKind::Memory if export.name == "memory" => {
                            facts.exported_memory = true;
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    facts.exports_start_only =
        exported_names.contains("_start") && !exported_names.contains("_initialize");
    Ok(facts)
}

/// Collapses a multi-line error message (wasmparser prints some with `{:#?}`) onto one line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn signature_of_type(
    types: wasmparser::types::TypesRef<'_>,
    id: wasmparser::types::CoreTypeId,
) -> Result<Signature, String> {
    match &types[id].composite_type.inner {
        CompositeInnerType::Func(ty) => Ok(Signature::from_func_type(ty)),
        _ => Err("a function refers to a type that is not a function type".to_string()),
    }
}

/// A handler function named by the manifest, with the JSON pointer of where it is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredHandler {
    /// The export the handler must be (`update_stock`).
    pub function: String,
    /// RFC 6901 pointer of the manifest value naming it.
    pub pointer: String,
}

/// Runs every check on a backend module.
///
/// `module_label` is the path shown in messages (e.g. `backend/backend.wasm`); `handlers` are
/// the handler functions the manifest names; `memory_limit_bytes` bounds the initial memory
/// (the default is [`DEFAULT_MEMORY_LIMIT_BYTES`], 64 MiB). Returns the module's facts when
/// it is a valid core module, and the diagnostics in the order the checks ran.
pub fn check_module(
    bytes: &[u8],
    module_label: &str,
    handlers: &[DeclaredHandler],
    memory_limit_bytes: u64,
) -> (Option<ModuleFacts>, Vec<Finding>) {
    let mut diags = Vec::new();

    if bytes.len() > MAX_MODULE_BYTES {
        diags.push(
            Finding::error(
                "MC1009",
                format!(
                    "{module_label} is {}, above the {} limit for backend modules",
                    human_bytes(bytes.len() as u64),
                    human_bytes(MAX_MODULE_BYTES as u64),
                ),
            )
            .at("")
            .with_help(
                "build in release mode and strip debug information \
                 (e.g. `wasm-opt -Oz --strip-debug`)",
            ),
        );
    }

    let facts = match inspect(bytes) {
        Ok(facts) => facts,
        Err(reason) => {
            let help = if Parser::is_component(bytes) {
                "build a core module (e.g. target `wasm32-unknown-unknown` or `wasm32-wasip1`), \
                 not a component"
            } else {
                "the backend must be a core WebAssembly module (`\\0asm` version 1)"
            };
            diags.push(
                Finding::error(
                    "MC1001",
                    format!("{module_label} is not a valid WebAssembly module: {reason}"),
                )
                .at("")
                .with_help(help),
            );
            return (None, diags);
        }
    };

    check_exports(&facts, module_label, &mut diags);
    check_memory(&facts, module_label, memory_limit_bytes, &mut diags);
    check_imports(&facts, module_label, &mut diags);
    if facts.exports_start_only {
        diags.push(
            Finding::note(
                "MC1011",
                format!(
                    "{module_label} exports `_start` but not `_initialize`: it is a WASI \
                     command, not a reactor"
                ),
            )
            .at("")
            .with_help(
                "build a reactor (e.g. Rust `crate-type = [\"cdylib\"]`, or \
                 `-mexec-model=reactor`) so the host can call handlers repeatedly",
            ),
        );
    }
    check_handlers(&facts, module_label, handlers, &mut diags);

    (Some(facts), diags)
}

fn check_exports(facts: &ModuleFacts, label: &str, diags: &mut Vec<Finding>) {
    use ValType::I32;

    if !facts.exported_memory {
        let message = if facts.exported_functions.contains_key("memory") {
            format!("{label} exports `memory` as a function; it must be its linear memory")
        } else {
            format!("{label} does not export its linear memory as `memory`")
        };
        diags.push(
            Finding::error("MC1002", message)
                .at("")
                .with_help("export the module's memory under the name `memory`"),
        );
    }

    let alloc_sig = Signature::new(&[I32], &[I32]);
    match facts.exported_functions.get("alloc") {
        None => diags.push(
            Finding::error(
                "MC1003",
                format!("{label} does not export the function `alloc`"),
            )
            .at("")
            .with_help("export `alloc(size: i32) -> i32`, which returns a buffer the host fills"),
        ),
        Some(sig) if *sig != alloc_sig => diags.push(
            Finding::error(
                "MC1003",
                format!("`alloc` in {label} has signature `{sig}`, expected `{alloc_sig}`"),
            )
            .at("")
            .with_help("declare `alloc(size: i32) -> i32`"),
        ),
        Some(_) => {}
    }

    let free_sig = Signature::new(&[I32, I32], &[]);
    match facts.exported_functions.get("free") {
        None => diags.push(
            Finding::note(
                "MC1008",
                format!("{label} does not export `free`; instances are not reused"),
            )
            .at("")
            .with_help("export `free(ptr: i32, len: i32)` so the host can reuse an instance"),
        ),
        Some(sig) if *sig != free_sig => diags.push(
            Finding::warning(
                "MC1008",
                format!(
                    "`free` in {label} has signature `{sig}`, expected `{free_sig}`; it is \
                     ignored and instances are not reused"
                ),
            )
            .at("")
            .with_help("declare `free(ptr: i32, len: i32)`"),
        ),
        Some(_) => {}
    }
}

fn check_memory(facts: &ModuleFacts, label: &str, limit: u64, diags: &mut Vec<Finding>) {
    if let Some(initial) = facts.memory_initial_bytes {
        if initial > limit {
            diags.push(
                Finding::error(
                    "MC1009",
                    format!(
                        "the initial memory of {label} is {}, above the limit of {}",
                        human_bytes(initial),
                        human_bytes(limit),
                    ),
                )
                .at("")
                .with_help(
                    "lower the initial memory (e.g. link with `--initial-memory`) and grow it \
                     at run time",
                ),
            );
        }
    }
}

fn check_imports(facts: &ModuleFacts, label: &str, diags: &mut Vec<Finding>) {
    for import in &facts.imports {
        let full = format!("{}.{}", import.module, import.name);
        let sig = match &import.kind {
            ImportKind::Function(sig) => sig,
            other => {
                diags.push(
                    Finding::error(
                        "MC1010",
                        format!(
                            "{label} imports `{full}`, which is {}; the module must define its \
                             own memory, tables, globals and tags",
                            other.describe()
                        ),
                    )
                    .at("")
                    .with_help(
                        "define and export the memory in the module instead of importing it \
                         (e.g. do not link with `--import-memory`)",
                    ),
                );
                continue;
            }
        };
        if import.module == WASI_MODULE {
            continue;
        }
        if import.module == HOST_MODULE {
            if let Some(expected) = allowed_host_import(&import.name) {
                if *sig != expected {
                    diags.push(
                        Finding::error(
                            "MC1007",
                            format!("import `{full}` has signature `{sig}`, expected `{expected}`"),
                        )
                        .at("")
                        .with_help(format!("declare `{full}` as `{expected}`")),
                    );
                }
                continue;
            }
            if NOT_YET_PROVIDED.contains(&import.name.as_str()) {
                diags.push(
                    Finding::error(
                        "MC1006",
                        format!("import `{full}` is not provided by this runtime yet"),
                    )
                    .at("")
                    .with_help(format!("available host functions: {}", allowed_list())),
                );
                continue;
            }
        }
        let help = if allowed_host_import(&import.name).is_some() {
            format!(
                "import it from `{HOST_MODULE}`: `{HOST_MODULE}.{}`",
                import.name
            )
        } else if let Some(name) = suggest_export(&import.name, ALLOWED_HOST_NAMES.iter().copied())
            .filter(|_| import.module == HOST_MODULE)
        {
            format!("did you mean `{HOST_MODULE}.{name}`?")
        } else {
            format!(
                "only `{HOST_MODULE}` functions ({}) and `{WASI_MODULE}` may be imported",
                allowed_list()
            )
        };
        diags.push(
            Finding::error(
                "MC1005",
                format!("import `{full}` is not in the {HOST_MODULE} allow-list"),
            )
            .at("")
            .with_help(help),
        );
    }
}

fn check_handlers(
    facts: &ModuleFacts,
    label: &str,
    handlers: &[DeclaredHandler],
    diags: &mut Vec<Finding>,
) {
    let mut seen = BTreeSet::new();
    for handler in handlers {
        if !seen.insert((handler.function.as_str(), handler.pointer.as_str())) {
            continue;
        }
        let name = &handler.function;
        match facts.exported_functions.get(name) {
            None => {
                let exports = facts.exported_functions.keys().map(String::as_str);
                let help = match suggest_export(name, exports) {
                    Some(suggestion) => format!("did you mean `{suggestion}`?"),
                    None => exports_help(facts, label, name),
                };
                diags.push(
                    Finding::error("MC0408", format!("`{name}` is not exported by {label}"))
                        .at(handler.pointer.clone())
                        .with_help(help),
                );
            }
            Some(sig) if HandlerAbi::of(sig).is_none() => diags.push(
                Finding::error(
                    "MC1004",
                    format!(
                        "handler `{name}` in {label} has signature `{sig}`, expected \
                         `(i32, i32) -> i64` or `(i64) -> i64`"
                    ),
                )
                .at(handler.pointer.clone())
                .with_help(format!(
                    "declare `{name}(ptr: i32, len: i32) -> i64` or `{name}(packed: i64) -> i64`"
                )),
            ),
            Some(_) => {}
        }
    }
}

/// The help line for a missing handler without a close match: up to five exports.
fn exports_help(facts: &ModuleFacts, label: &str, name: &str) -> String {
    const ABI_EXPORTS: &[&str] = &["alloc", "free", "_start", "_initialize"];
    let candidates: Vec<&str> = facts
        .exported_functions
        .keys()
        .map(String::as_str)
        .filter(|name| !ABI_EXPORTS.contains(name))
        .collect();
    if candidates.is_empty() {
        return format!("{label} exports no handler functions; export `{name}` from the backend");
    }
    let shown: Vec<String> = candidates
        .iter()
        .take(5)
        .map(|name| format!("`{name}`"))
        .collect();
    let more = candidates.len().saturating_sub(5);
    if more > 0 {
        format!("{label} exports {} and {more} more", shown.join(", "))
    } else {
        format!("{label} exports {}", shown.join(", "))
    }
}

fn allowed_list() -> String {
    ALLOWED_HOST_NAMES.join(", ")
}

fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const KIB: u64 = 1024;
    if bytes >= MIB {
        if bytes.is_multiple_of(MIB) {
            format!("{} MiB", bytes / MIB)
        } else {
            format!("{:.1} MiB", bytes as f64 / MIB as f64)
        }
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Best suggestion for a missing export.
///
/// In order of preference: the export equal to [`snake_case`]`(name)`, else a
/// case-insensitive match, else the closest export within Levenshtein distance 2 of `name` or
/// of its snake_case form (ties: alphabetically first). `None` if nothing qualifies.
pub fn suggest_export<'a>(
    name: &str,
    exports: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut exports: Vec<&str> = exports.into_iter().filter(|e| *e != name).collect();
    exports.sort_unstable();
    exports.dedup();
    let snake = snake_case(name);
    if let Some(found) = exports.iter().find(|e| **e == snake) {
        return Some((*found).to_string());
    }
    if let Some(found) = exports.iter().find(|e| e.eq_ignore_ascii_case(name)) {
        return Some((*found).to_string());
    }
    exports
        .iter()
        .map(|e| {
            let distance = strsim::levenshtein(name, e).min(strsim::levenshtein(&snake, e));
            (distance, *e)
        })
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, e)| e.to_string())
}

/// The import allow-list: the required signature of an allowed `metacore_host` import, or
/// `None` when `name` is not an allowed host function.
pub fn allowed_host_import(name: &str) -> Option<Signature> {
    use ValType::{I32, I64};
    let (params, results): (&[ValType], &[ValType]) = match name {
        "log" => (&[I32, I32], &[]),
        "env_get" | "kv_get" | "kv_delete" => (&[I32, I32], &[I64]),
        "http_fetch" => (&[I32, I32, I32, I32, I32, I32], &[I64]),
        "event_emit" | "db_query" | "db_exec" | "kv_set" => (&[I32, I32, I32, I32], &[I64]),
        _ => return None,
    };
    Some(Signature::new(params, results))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    const LABEL: &str = "backend/backend.wasm";

    fn wasm(text: &str) -> Vec<u8> {
        wat::parse_str(text).expect("valid WAT")
    }

    fn handler(function: &str, pointer: &str) -> DeclaredHandler {
        DeclaredHandler {
            function: function.to_string(),
            pointer: pointer.to_string(),
        }
    }

    fn check(text: &str, handlers: &[DeclaredHandler]) -> (Option<ModuleFacts>, Vec<Finding>) {
        check_module(&wasm(text), LABEL, handlers, DEFAULT_MEMORY_LIMIT_BYTES)
    }

    fn with_code<'d>(diags: &'d [Finding], code: &str) -> Vec<&'d Finding> {
        diags.iter().filter(|d| d.code == code).collect()
    }

    fn only<'d>(diags: &'d [Finding], code: &str) -> &'d Finding {
        let found = with_code(diags, code);
        assert_eq!(found.len(), 1, "expected one {code} in {diags:#?}");
        found[0]
    }

    fn errors(diags: &[Finding]) -> Vec<&Finding> {
        diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect()
    }

    /// A module with everything the ABI requires, plus `extra` inside the module.
    fn base(extra: &str) -> String {
        format!(
            r#"(module
                 {extra}
                 (memory (export "memory") 1)
                 (func (export "alloc") (param i32) (result i32) i32.const 0)
                 (func (export "free") (param i32 i32))
               )"#
        )
    }

    const GOOD: &str = r#"(module
        (import "metacore_host" "log" (func $log (param i32 i32)))
        (import "metacore_host" "kv_get" (func $kv_get (param i32 i32) (result i64)))
        (memory (export "memory") 17)
        (func (export "alloc") (param i32) (result i32) i32.const 8)
        (func (export "free") (param i32 i32))
        (func (export "update_stock") (param i32 i32) (result i64)
          local.get 0 local.get 1 call $log
          local.get 0 local.get 1 call $kv_get)
        (func (export "resolve") (param i64) (result i64) local.get 0)
      )"#;

    #[test]
    fn good_module_passes_and_facts_are_read() {
        let handlers = [
            handler("update_stock", "/handlers/0/function"),
            handler("resolve", "/handlers/1/function"),
        ];
        let (facts, diags) = check(GOOD, &handlers);
        assert!(diags.is_empty(), "{diags:#?}");
        let facts = facts.expect("facts");
        assert!(facts.exported_memory);
        assert!(!facts.exports_start_only);
        assert_eq!(facts.memory_initial_bytes, Some(17 * 65536));
        let names: Vec<&str> = facts
            .exported_functions
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(names, ["alloc", "free", "resolve", "update_stock"]);
        assert_eq!(
            HandlerAbi::of(&facts.exported_functions["update_stock"]),
            Some(HandlerAbi::PtrLen)
        );
        assert_eq!(
            HandlerAbi::of(&facts.exported_functions["resolve"]),
            Some(HandlerAbi::Packed)
        );
        assert_eq!(facts.imports.len(), 2);
        assert_eq!(
            (
                facts.imports[0].module.as_str(),
                facts.imports[0].name.as_str()
            ),
            ("metacore_host", "log")
        );
        assert!(matches!(
            &facts.imports[1].kind,
            ImportKind::Function(sig) if Some(sig.clone()) == allowed_host_import("kv_get")
        ));
    }

    #[test]
    fn missing_memory_is_mc1002() {
        let (_, diags) = check(
            r#"(module
                 (memory 1)
                 (func (export "alloc") (param i32) (result i32) i32.const 0)
                 (func (export "free") (param i32 i32)))"#,
            &[],
        );
        let d = only(&diags, "MC1002");
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("`memory`"), "{}", d.message);
        assert!(d.message.contains(LABEL));
        assert_eq!(d.pointer, "");
        assert_eq!(errors(&diags).len(), 1);
    }

    #[test]
    fn alloc_missing_or_wrong_signature_is_mc1003() {
        let (_, diags) = check(
            r#"(module
                 (memory (export "memory") 1)
                 (func (export "alloc") (param i64) (result i32) i32.const 0)
                 (func (export "free") (param i32 i32)))"#,
            &[],
        );
        let d = only(&diags, "MC1003");
        assert!(d.message.contains("`alloc`"), "{}", d.message);
        assert!(d.message.contains("`(i64) -> i32`"), "{}", d.message);
        assert!(d.message.contains("`(i32) -> i32`"), "{}", d.message);

        let (_, diags) = check(
            r#"(module (memory (export "memory") 1) (func (export "free") (param i32 i32)))"#,
            &[],
        );
        assert!(only(&diags, "MC1003").message.contains("does not export"));
    }

    #[test]
    fn missing_free_is_a_note() {
        let (_, diags) = check(
            r#"(module
                 (memory (export "memory") 1)
                 (func (export "alloc") (param i32) (result i32) i32.const 0))"#,
            &[],
        );
        let d = only(&diags, "MC1008");
        assert_eq!(d.severity, Severity::Note);
        assert!(d.message.contains("instances are not reused"));
        assert!(errors(&diags).is_empty());
    }

    #[test]
    fn handler_named_in_another_case_is_mc0408_with_suggestion() {
        let (_, diags) = check(GOOD, &[handler("UpdateStock", "/handlers/0/function")]);
        let d = only(&diags, "MC0408");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(
            d.message,
            "`UpdateStock` is not exported by backend/backend.wasm"
        );
        assert!(d
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `update_stock`?"));
        assert_eq!(d.pointer, "/handlers/0/function");
    }

    #[test]
    fn handler_without_suggestion_lists_exports() {
        let (_, diags) = check(GOOD, &[handler("completely_different", "/h")]);
        let help = only(&diags, "MC0408").help.clone().unwrap();
        assert!(
            help.contains("`resolve`") && help.contains("`update_stock`"),
            "{help}"
        );
        assert!(!help.contains("`alloc`"), "{help}");
    }

    #[test]
    fn handler_with_wrong_signature_is_mc1004_once_per_pointer() {
        let (_, diags) = check(
            &base(r#"(func (export "sync") (param i32) (result i32) local.get 0)"#),
            &[
                handler("sync", "/handlers/0/function"),
                handler("sync", "/handlers/0/function"),
                handler("sync", "/handlers/3/function"),
            ],
        );
        let found = with_code(&diags, "MC1004");
        assert_eq!(found.len(), 2, "{diags:#?}");
        assert!(found[0].message.contains("`sync`"));
        assert!(found[0].message.contains("`(i32) -> i32`"));
        assert_eq!(found[0].pointer, "/handlers/0/function");
        assert_eq!(found[1].pointer, "/handlers/3/function");
    }

    #[test]
    fn forbidden_import_is_mc1005() {
        let (_, diags) = check(
            &base(r#"(import "env" "system" (func (param i32) (result i32)))"#),
            &[],
        );
        let d = only(&diags, "MC1005");
        assert_eq!(
            d.message,
            "import `env.system` is not in the metacore_host allow-list"
        );
        assert!(d.help.is_some());
    }

    #[test]
    fn host_name_from_wrong_module_suggests_metacore_host() {
        let (_, diags) = check(&base(r#"(import "env" "log" (func (param i32 i32)))"#), &[]);
        let d = only(&diags, "MC1005");
        assert!(d.help.as_deref().unwrap().contains("metacore_host.log"));
    }

    #[test]
    fn not_yet_provided_import_is_mc1006() {
        let (_, diags) = check(
            &base(r#"(import "metacore_host" "http_request" (func (param i32 i32) (result i64)))"#),
            &[],
        );
        let d = only(&diags, "MC1006");
        assert!(d.message.contains("metacore_host.http_request"));
        assert!(d.message.contains("not provided by this runtime yet"));
        assert!(with_code(&diags, "MC1005").is_empty());
    }

    #[test]
    fn allowed_import_with_wrong_signature_is_mc1007() {
        let (_, diags) = check(
            &base(r#"(import "metacore_host" "log" (func (param i32) (result i32)))"#),
            &[],
        );
        let d = only(&diags, "MC1007");
        assert!(d.message.contains("metacore_host.log"));
        assert!(d.message.contains("`(i32) -> i32`"), "{}", d.message);
        assert!(d.message.contains("`(i32, i32) -> ()`"), "{}", d.message);
    }

    #[test]
    fn wasi_imports_are_accepted() {
        let (_, diags) = check(
            &base(
                r#"(import "wasi_snapshot_preview1" "fd_write"
                     (func (param i32 i32 i32 i32) (result i32)))"#,
            ),
            &[],
        );
        assert!(diags.is_empty(), "{diags:#?}");
    }

    #[test]
    fn imported_memory_is_mc1010() {
        let (facts, diags) = check(
            r#"(module
                 (import "env" "memory" (memory 1))
                 (export "memory" (memory 0))
                 (func (export "alloc") (param i32) (result i32) i32.const 0)
                 (func (export "free") (param i32 i32)))"#,
            &[],
        );
        let d = only(&diags, "MC1010");
        assert!(d.message.contains("`env.memory`"));
        assert!(d.message.contains("a memory"));
        let facts = facts.unwrap();
        assert!(matches!(facts.imports[0].kind, ImportKind::Memory));
        assert_eq!(facts.memory_initial_bytes, None);
        assert!(with_code(&diags, "MC1005").is_empty());
    }

    #[test]
    fn large_initial_memory_is_mc1009() {
        let text = r#"(module
             (memory (export "memory") 2000)
             (func (export "alloc") (param i32) (result i32) i32.const 0)
             (func (export "free") (param i32 i32)))"#;
        let (facts, diags) = check(text, &[]);
        assert_eq!(facts.unwrap().memory_initial_bytes, Some(2000 * 65536));
        let d = only(&diags, "MC1009");
        assert_eq!(d.severity, Severity::Error);
        assert!(d.message.contains("64 MiB"), "{}", d.message);
        assert!(d.message.contains("125 MiB"), "{}", d.message);

        let (_, diags) = check_module(&wasm(text), LABEL, &[], 200 * 1024 * 1024);
        assert!(diags.is_empty(), "{diags:#?}");
    }

    #[test]
    fn oversized_module_is_mc1009() {
        let mut bytes = wasm(&base(""));
        // A custom section padding the module beyond 10 MiB.
        let payload = MAX_MODULE_BYTES;
        bytes.push(0);
        let mut size = payload as u32 + 2;
        loop {
            let byte = (size & 0x7f) as u8;
            size >>= 7;
            if size == 0 {
                bytes.push(byte);
                break;
            }
            bytes.push(byte | 0x80);
        }
        bytes.extend_from_slice(&[1, b'x']);
        bytes.resize(bytes.len() + payload, 0);
        let (facts, diags) = check_module(&bytes, LABEL, &[], DEFAULT_MEMORY_LIMIT_BYTES);
        assert!(facts.is_some());
        assert!(only(&diags, "MC1009").message.contains("10 MiB"));
    }

    #[test]
    fn garbage_is_mc1001() {
        let (facts, diags) = check_module(b"not wasm at all", LABEL, &[], 1 << 26);
        assert!(facts.is_none());
        let d = only(&diags, "MC1001");
        assert!(d.message.contains(LABEL));
        assert!(d.message.contains("magic"), "{}", d.message);
        assert!(!d.message.contains('\n'));
        assert_eq!(diags.len(), 1);
        assert!(inspect(b"").is_err());
    }

    #[test]
    fn invalid_module_is_mc1001() {
        let mut bytes = wasm(&base(""));
        bytes[4] = 2; // version 2
        let (facts, diags) = check_module(&bytes, LABEL, &[], 1 << 26);
        assert!(facts.is_none());
        only(&diags, "MC1001");
    }

    #[test]
    fn component_is_mc1001() {
        let (facts, diags) = check("(component)", &[]);
        assert!(facts.is_none());
        let d = only(&diags, "MC1001");
        assert!(d.message.contains("component"), "{}", d.message);
        assert!(d.help.as_deref().unwrap().contains("core module"));
    }

    #[test]
    fn wasi_command_is_mc1011() {
        let (facts, diags) = check(&base(r#"(func (export "_start"))"#), &[]);
        assert!(facts.unwrap().exports_start_only);
        let d = only(&diags, "MC1011");
        assert_eq!(d.severity, Severity::Note);
        assert!(d.message.contains("`_start`"));
        assert!(d.help.as_deref().unwrap().contains("reactor"));

        let (facts, diags) = check(
            &base(r#"(func (export "_start")) (func (export "_initialize"))"#),
            &[],
        );
        assert!(!facts.unwrap().exports_start_only);
        assert!(with_code(&diags, "MC1011").is_empty());
    }

    #[test]
    fn snake_case_cases() {
        assert_eq!(snake_case("UpdateStock"), "update_stock");
        assert_eq!(snake_case("getHTTPResponse"), "get_http_response");
        assert_eq!(snake_case("already_snake"), "already_snake");
        assert_eq!(snake_case("Resolve"), "resolve");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("sync-orders"), "sync_orders");
        assert_eq!(snake_case("getV2Item"), "get_v2_item");
    }

    #[test]
    fn suggest_export_cases() {
        let exports = ["alloc", "free", "update_stock", "Resolve", "list_orders"];
        let suggest = |name: &str| suggest_export(name, exports.iter().copied());
        assert_eq!(suggest("UpdateStock").as_deref(), Some("update_stock"));
        assert_eq!(suggest("resolve").as_deref(), Some("Resolve"));
        assert_eq!(suggest("list_order").as_deref(), Some("list_orders"));
        assert_eq!(suggest("UpdateStocks").as_deref(), Some("update_stock"));
        assert_eq!(suggest("something_else"), None);
        // Ties go to the alphabetically first export.
        assert_eq!(
            suggest_export("abd", ["abx", "abc"]).as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn allow_list_and_abi() {
        assert_eq!(
            allowed_host_import("http_fetch").unwrap().to_string(),
            "(i32, i32, i32, i32, i32, i32) -> i64"
        );
        assert_eq!(
            allowed_host_import("log").unwrap().to_string(),
            "(i32, i32) -> ()"
        );
        assert!(allowed_host_import("http_request").is_none());
        for name in ALLOWED_HOST_NAMES {
            assert!(allowed_host_import(name).is_some(), "{name}");
        }
        use ValType::{I32, I64};
        assert_eq!(HandlerAbi::of(&Signature::new(&[I32, I32], &[I32])), None);
        assert_eq!(
            HandlerAbi::of(&Signature::new(&[I64], &[I64])),
            Some(HandlerAbi::Packed)
        );
    }
}
