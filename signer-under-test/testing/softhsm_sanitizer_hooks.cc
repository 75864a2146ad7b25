// Sanitizer defaults for test binaries that load SoftHSMv2. SoftHSM 2.6.1 leaks a small ASN.1 string
// in C_SignInit for EdDSA keys (it d2i's the curve OID and never frees it); LeakSanitizer would
// fail every Ed25519 test run under --config=asan. Full stacks (no fast unwinding through
// libcrypto) let the suppression match the SoftHSM frame, so leaks in rollcage still fail.
// Without sanitizers these functions are never called.
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
extern "C" const char* __lsan_default_suppressions() { return "leak:libsofthsm2.so\n"; }
