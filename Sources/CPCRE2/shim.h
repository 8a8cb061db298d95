#ifndef PITBOSS_CPCRE2_SHIM_H
#define PITBOSS_CPCRE2_SHIM_H
// PCRE2 is built for several code-unit widths; Pitboss matches UTF-8 bytes.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
