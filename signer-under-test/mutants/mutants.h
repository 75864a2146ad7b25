// Mutants: planted bugs in the reference signer, each modelled on a real failure class, off by
// default and switched on by name (a scenario's `mutant NAME` line, --mutant NAME). The harness is
// only as good as the mutants it kills; with all of them off it must find nothing. The oracle never
// looks at mutant names: it checks properties of zones and timelines.
#ifndef ROLLCAGE_SIGNER_UNDER_TEST_MUTANTS_MUTANTS_H_
#define ROLLCAGE_SIGNER_UNDER_TEST_MUTANTS_MUTANTS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace rollcage::signer::mutants {

// Which planted bugs are on. Plain flags so the hot paths test a bool.
struct Switches {
  bool per_hsm_keypair = false;       // .DE: one key pair per HSM, identical metadata, one published
  bool sign_by_tag = false;           // signing key looked up by key tag alone
  bool zsk_early_removal = false;     // old ZSK withdrawn while its signatures are still cacheable
  bool zsk_early_use = false;         // new ZSK signs before its DNSKEY propagated
  bool ksk_early_removal = false;     // old KSK withdrawn before the old DS aged out of caches
  bool refresh_off_by_one = false;    // signatures refreshed one second after they expire
  bool no_inception_backdate = false; // inception = now
  bool nsec3_delegation_bitmap = false;  // NSEC3 bitmap at insecure delegations claims DS and RRSIG
  bool nsec3_stale_after_delete = false; // NSEC3 chain not rebuilt after a delete
  bool optout_after_ds = false;       // a delegation that got a DS stays in the opt-out span
  bool sign_glue = false;             // delegation NS and glue signed
  bool stale_original_ttl = false;    // RRSIG reused (original TTL stale) after a TTL change
  bool keygen_retry = false;          // keygen retried after a reported failure with new material
  bool partial_zone = false;          // a partly signed zone published after a C_Sign error
  bool state_lost_on_crash = false;   // key state kept in memory only

  bool any() const;
  static Switches From(const std::set<std::string>& names);
};

struct Mutant {
  std::string name;
  std::string summary;    // one line
  std::string paragraph;  // the real failure class it models (incident or RFC)
  // The scenario header that gives it a chance to show (the hunt template).
  int hsms = 0;
  std::string denial = "nsec3";
  std::map<std::string, std::string> policy;
};

const std::vector<Mutant>& All();
const Mutant* Find(std::string_view name);

}  // namespace rollcage::signer::mutants

#endif  // ROLLCAGE_SIGNER_UNDER_TEST_MUTANTS_MUTANTS_H_
