// libpq, PostgreSQL's own client library (Debian: libpq-dev; pkg-config: libpq).
#include <libpq-fe.h>
