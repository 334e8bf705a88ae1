;; The byte loop of the snapshot reader: tokenizes a flat JSON array of unsigned integers (a
;; snapshot's nodes, edges or locations) into 32-bit numbers. In WebAssembly it runs about three
;; times as fast as the same loop in JavaScript, and it is most of the time a summary takes.
;; numberArrayReader.ts drives it; scripts/build-wasm.mjs turns this file into numberTokenizerWasm.ts.
;;
;; Memory is imported: the reader puts a chunk of the file in it and gives the input range and an
;; output range. A number may span two chunks: its digits so far stay in $value/$digits.
;; It also notes whether every line held $fields numbers, as V8 writes one record per line: a
;; reader that starts mid-array, after a newline, trusts its records only then.
(module
  (import "env" "memory" (memory 1))
  (global $value (mut i64) (i64.const 0))
  (global $digits (mut i32) (i32.const 0))
  ;; Numbers written by the last call.
  (global $count (mut i32) (i32.const 0))
  ;; Numbers since the last newline, the count a line should hold, and whether one did not.
  (global $sinceNewline (mut i32) (i32.const 0))
  (global $fields (mut i32) (i32.const 0))
  (global $irregular (mut i32) (i32.const 0))
  ;; Why the last call stopped: 0 input used up or output full, 1 closing bracket (the returned
  ;; position is just after it), 2 a byte that does not belong (at the returned position),
  ;; 3 a number past 32 bits (it ends just before the returned position).
  (global $status (mut i32) (i32.const 0))

  (func (export "count") (result i32) (global.get $count))
  (func (export "status") (result i32) (global.get $status))
  (func (export "irregular") (result i32) (global.get $irregular))

  ;; A new array (or a run of lines) starts: no number is open; lines should hold $f numbers.
  (func (export "reset") (param $f i32)
    (global.set $value (i64.const 0))
    (global.set $digits (i32.const 0))
    (global.set $sinceNewline (i32.const 0))
    (global.set $fields (local.get $f))
    (global.set $irregular (i32.const 0)))

  ;; Reads bytes [$i, $end) and writes up to $cap numbers from $out on; returns where it stopped.
  (func (export "tokenize") (param $i i32) (param $end i32) (param $out i32) (param $cap i32) (result i32)
    (local $c i32)
    (local $d i32)
    (local $value i64)
    (local $digits i32)
    (local $n i32)
    (local $line i32)
    (local.set $value (global.get $value))
    (local.set $line (global.get $sinceNewline))
    (local.set $digits (global.get $digits))
    (global.set $status (i32.const 0))
    (block $exit
      (loop $next
        (br_if $exit (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $c (i32.load8_u (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        ;; One unsigned compare for '0'..'9'.
        (local.set $d (i32.sub (local.get $c) (i32.const 48)))
        (if (i32.lt_u (local.get $d) (i32.const 10))
          (then
            (local.set $value (i64.add (i64.mul (local.get $value) (i64.const 10)) (i64.extend_i32_u (local.get $d))))
            (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
            (br $next)))
        ;; Not a digit: a number that was open ends here.
        (if (local.get $digits)
          (then
            ;; More than 10 digits could wrap around in 64 bits; 10 digits fit, and are checked.
            (if (i32.or (i32.gt_u (local.get $digits) (i32.const 10)) (i64.gt_u (local.get $value) (i64.const 0xffffffff)))
              (then
                (global.set $status (i32.const 3))
                (br $exit)))
            (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (i32.wrap_i64 (local.get $value)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $line (i32.add (local.get $line) (i32.const 1)))
            (local.set $value (i64.const 0))
            (local.set $digits (i32.const 0))
            ;; Output full: stop, and look at this byte again on the next call.
            (if (i32.ge_u (local.get $n) (local.get $cap))
              (then
                (local.set $i (i32.sub (local.get $i) (i32.const 1)))
                (br $exit)))))
        (br_if $next (i32.eq (local.get $c) (i32.const 44))) ;; ,
        (if (i32.eq (local.get $c) (i32.const 10)) ;; \n
          (then
            (if (i32.ne (local.get $line) (global.get $fields)) (then (global.set $irregular (i32.const 1))))
            (local.set $line (i32.const 0))
            (br $next)))
        (if (i32.eq (local.get $c) (i32.const 93)) ;; ]
          (then
            (global.set $status (i32.const 1))
            (br $exit)))
        (br_if $next (i32.eq (local.get $c) (i32.const 32))) ;; space
        (br_if $next (i32.eq (local.get $c) (i32.const 13))) ;; \r
        (br_if $next (i32.eq (local.get $c) (i32.const 9))) ;; \t
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (global.set $status (i32.const 2))
        (br $exit)))
    (global.set $value (local.get $value))
    (global.set $digits (local.get $digits))
    (global.set $sinceNewline (local.get $line))
    (global.set $count (local.get $n))
    (local.get $i)))
