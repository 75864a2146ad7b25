/* The C control ABI of the chaos PKCS#11 module (librollcage_chaos_pkcs11.so), beside the standard
 * PKCS#11 entry points. In-process code reaches these with dlsym on the handle it loaded the module
 * with (chaos_control.h wraps them); every function is safe to call before C_Initialize and from any
 * thread, and none ever throws or aborts. */
#ifndef ROLLCAGE_HARNESS_FAULTS_PKCS11_CHAOS_ABI_H_
#define ROLLCAGE_HARNESS_FAULTS_PKCS11_CHAOS_ABI_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Replaces the fault plan with one parsed from text (the docs/fault-plan.md format; "" = no faults).
 * Counters, removed tokens and stuck sessions start afresh; the environment plan is no longer read.
 * Returns 0, or -1 with "where: what" written to error (may be NULL) when the text does not parse;
 * the old plan then stays. */
int rollcage_chaos_set_plan(const char* text, char* error, size_t error_len);

/* Moves pending log lines ("injected ...", "error ...", "plan ...", each ending in '\n') into buf,
 * NUL-terminated, as many whole lines as fit. Returns the bytes copied; 0 when none are pending. */
size_t rollcage_chaos_take_log(char* buf, size_t len);

/* Writes the current plan in canonical text (snprintf-style: returns the full length). */
size_t rollcage_chaos_get_plan(char* buf, size_t len);

/* Writes call and fault counts per function (snprintf-style: returns the full length). */
size_t rollcage_chaos_stats(char* buf, size_t len);

typedef int (*rollcage_chaos_set_plan_fn)(const char*, char*, size_t);
typedef size_t (*rollcage_chaos_take_log_fn)(char*, size_t);
typedef size_t (*rollcage_chaos_get_plan_fn)(char*, size_t);
typedef size_t (*rollcage_chaos_stats_fn)(char*, size_t);

#ifdef __cplusplus
}
#endif

#endif /* ROLLCAGE_HARNESS_FAULTS_PKCS11_CHAOS_ABI_H_ */
