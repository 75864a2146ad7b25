// `rollcage version`: prints the rollcage version and the versions of the libraries it links.
#include <openssl/opensslv.h>

#include <cstdio>

#include "tools/cli/command.h"

namespace rollcage::tools {
namespace {

cli::Command Make() {
  cli::Command c;
  c.name = "version";
  c.summary = "print the rollcage version and library versions";
  c.usage = "";
  c.run = [](const cli::Args&) {
    std::printf("rollcage 0.1.0 (OpenSSL %s)\n", OPENSSL_FULL_VERSION_STR);
    return 0;
  };
  return c;
}

RC_REGISTER_COMMAND(Make);

}  // namespace
}  // namespace rollcage::tools
