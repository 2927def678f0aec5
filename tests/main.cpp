#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

// The tests read hoso's CLI in English unless they ask for Vietnamese (`--lang vi`), whatever the
// machine's locale; a test that wants the default unsets HOSO_LANG for its child.
int main(int argc, char** argv) {
  ::setenv("HOSO_LANG", "en", 0);
  return doctest::Context(argc, argv).run();
}
