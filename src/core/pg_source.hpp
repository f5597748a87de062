// PostGIS data sources as text (std only): GDAL's PostgreSQL driver takes "PG:" plus a
// libpq connection string ("PG:dbname=gis host=db.example port=5432 user=planner"), or a
// connection URI ("PG:postgresql://planner@db.example/gis"). Here: telling one from a
// file path, splitting off the layer (or, for an output, the schema) given after it, and
// wording one for messages without its password.
//
// Accepted forms of "source with a layer" (the layer is "schema.table", or "table" in
// the search path, usually public):
//   PG:"dbname=gis host=db":src.fibre     the connection string quoted ("..." or '...'),
//   PG:"dbname=gis host=db" :src.fibre    any characters inside; blanks around ':' allowed
//   PG:dbname=gis host=db:src.fibre       unquoted: the layer follows the last ':' outside
//                                         libpq's single quotes, when what follows has no
//                                         '=', '/', '@', quote or blank and the ':' does not
//                                         follow '=' or ':' (so host=::1 and a URI's
//                                         host:port stay whole); quote the connection
//                                         string when in doubt
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lightcone {

// True when `text` starts with "PG:" (GDAL's PostgreSQL driver).
bool is_pg_source(std::string_view text);

struct PgSourceSplit {
  std::string connection;  // "PG:" + the connection string, without the quotes
  std::string layer;       // empty: none given
};

// Splits a PG source into connection and layer (forms above). Nullopt when `text` is not
// a PG source or its quote is not closed, or something other than ":LAYER" follows it.
std::optional<PgSourceSplit> split_pg_source(std::string_view text);

// The source for messages and outputs: every password replaced by "***" (the value of a
// `password` keyword, or the password of a URI's user info). Other text is kept as it is.
std::string redact_pg_source(std::string_view text);

// The server and database a PG source names, for messages: "host=db port=5432
// dbname=gis user=planner" (the keywords given, in that order; "(defaults)" when none:
// libpq then uses PGHOST, PGDATABASE, ... or the local socket).
std::string pg_source_target(std::string_view text);

// The password a PG source carries (keyword or URI), or empty; for scrubbing messages
// that come back from the server or the driver.
std::string pg_source_password(std::string_view text);

}  // namespace lightcone
