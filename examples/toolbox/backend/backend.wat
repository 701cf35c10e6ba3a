;; The toolbox addon's backend (`backend.wasm` is this file compiled with the `wat` crate;
;; a test checks the two agree). `echo` answers with its input: the invocation document.
(module
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  ;; A bump allocator: the host copies each invocation document into fresh memory.
  (func (export "alloc") (param $size i32) (result i32)
    (local $at i32)
    (local.set $at (global.get $next))
    (global.set $next (i32.add (global.get $next) (local.get $size)))
    (local.get $at))
  ;; The result is packed as `ptr << 32 | len`.
  (func (export "echo") (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len)))))
