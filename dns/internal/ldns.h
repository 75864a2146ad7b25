// The one place rollcage includes ldns. ldns/common.h may define bool, true and false as macros when
// it believes stdbool is missing, which breaks C++ headers included after it; include <stdbool.h>
// first so it sees __bool_true_false_are_defined. Only dns/ sources include this header.
#ifndef ROLLCAGE_DNS_INTERNAL_LDNS_H_
#define ROLLCAGE_DNS_INTERNAL_LDNS_H_

#include <stdbool.h>
#include <ldns/ldns.h>

#ifdef bool
#undef bool
#endif
#ifdef true
#undef true
#endif
#ifdef false
#undef false
#endif

#endif  // ROLLCAGE_DNS_INTERNAL_LDNS_H_
