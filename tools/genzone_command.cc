// `rollcage genzone`: writes a seeded, realistic unsigned zone (testing/zone_generator.h).
#include <cstdio>

#include "base/file.h"
#include "tools/cli/command.h"
#include "testing/zone_generator.h"

namespace rollcage::tools {
namespace {

int Run(const cli::Args& args) {
  testing::ZoneGeneratorOptions o;
  o.origin = args.Get("origin", "example.");
  auto delegations = args.GetInt("delegations", 1000);
  auto ds = args.GetInt("ds-percent", 30);
  auto glue = args.GetInt("glue-percent", 10);
  auto hosts = args.GetInt("hosts", -1);
  auto seed = args.GetInt("seed", 1);
  for (const auto* r : {&delegations, &ds, &glue, &hosts, &seed}) {
    if (!r->ok()) return cli::Fail("genzone", r->status());
  }
  if (*delegations > 10'000'000) return cli::Fail("genzone", UsageError("--delegations: at most 10000000"));
  o.delegations = int(*delegations);
  o.ds_percent = int(*ds);
  o.glue_percent = int(*glue);
  o.hosts = int(*hosts);
  o.seed = uint64_t(*seed);
  o.occluded = !args.Has("no-occluded");
  testing::GeneratedZoneStats stats;
  auto text = testing::ZoneGenerator(o).GenerateText(&stats);
  if (!text.ok()) return cli::Fail("genzone", text.status());
  std::string out = args.Get("out", "-");
  if (out == "-") {
    std::fwrite(text->data(), 1, text->size(), stdout);
  } else {
    Status st = WriteFileAtomic(out, *text);
    if (!st.ok()) return cli::Fail("genzone", st);
  }
  std::fprintf(stderr, "rollcage genzone: %s: %d records, %d names, %d delegations (%d with DS, %d with glue)%s%s\n",
               o.origin.c_str(), stats.records, stats.names, stats.delegations, stats.secure_delegations,
               stats.glue_delegations, out == "-" ? "" : " -> ", out == "-" ? "" : out.c_str());
  return 0;
}

cli::Command Make() {
  cli::Command c;
  c.name = "genzone";
  c.summary = "write a seeded, realistic unsigned zone (delegations, DS, glue, wildcards, ENTs)";
  c.usage = "--origin NAME --delegations N [--ds-percent P] [--glue-percent P] [--seed S] [--out FILE]";
  c.details =
      "The same options always give the same zone. The zone has an apex (SOA, NS, MX, TXT, A), name\n"
      "servers, hosts, wildcards, empty non-terminals (SRV under _tcp, a.b.c.entN, delegations under\n"
      "deptN), N delegations of which P% have a DS RRset and P% in-bailiwick name servers with glue,\n"
      "and some occluded (non-glue) data below one delegation.";
  c.flags = {
      {"origin", "NAME", "zone origin (default example.)"},
      {"delegations", "N", "number of delegations (default 1000)"},
      {"ds-percent", "P", "percentage of delegations with DS (default 30)"},
      {"glue-percent", "P", "percentage of delegations with in-bailiwick name servers and glue (default 10)"},
      {"hosts", "N", "authoritative host names (default 20 + delegations/20)"},
      {"seed", "S", "generator seed (default 1)"},
      {"no-occluded", "", "leave out the occluded data below a delegation"},
      {"out", "FILE", "output file (default: standard output)"},
  };
  c.run = Run;
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
