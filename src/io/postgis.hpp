// Writing a run's tables into one PostGIS schema (GDAL's PostgreSQL driver; io is the only
// GDAL user). One transaction does it all, so that other sessions see the old run or the
// new one, never a part, and a failure leaves nothing behind:
//   1. an advisory lock on the schema's name: writers of one schema wait for each other;
//   2. CREATE SCHEMA <schema>__lc_staging; every table in it (geometry column `geom`,
//      EPSG:4326, a GiST spatial index, `fid` primary key; run_info without geometry),
//      rows loaded with COPY (GDAL's PG_USE_COPY);
//   3. the old run's tables dropped, then its schema (both RESTRICT: a view or table of
//      someone else's that depends on them makes the write fail, never vanish);
//   4. the staging schema renamed to <schema>; COMMIT.
// Any failure rolls the transaction back. A schema is only ever replaced when it is a
// lightcone run schema: it holds a run_info table and only tables lightcone writes.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/table.hpp"

namespace lightcone {

struct PostgisTarget {
  std::string connection;  // "PG:..." as given, password included (never shown)
  std::string schema;      // REQUIRES: a plain identifier (parse_postgis_target checks)
  std::string option;      // the option or key that named it, for messages: "--out"
  // For messages and outputs: "PG:dbname=gis host=db password=***:schema".
  std::string display() const;
};

// Parses "PG:CONNECTION:SCHEMA" (the connection string quoted or not, as for layers:
// core/pg_source.hpp). InputError naming `option` when the schema is missing or not a
// lower-case identifier of at most 48 characters ([a-z_][a-z0-9_]*, not pg_*).
PostgisTarget parse_postgis_target(std::string_view text, std::string option);

// Before any work: connects (InputError naming host and database, never the password,
// when that fails), and checks the user may create schemas in the database and that
// the schema is absent or a lightcone run schema (else InputError naming what is in it).
void check_postgis_target(const PostgisTarget& target);

// Writes `tables` (each a table named as the FeatureTable) as the schema's content,
// replacing a previous run there atomically (steps above). Throws InputError when the
// write fails; the database is then as it was.
void write_postgis_tables(const PostgisTarget& target, std::span<const FeatureTable> tables);

}  // namespace lightcone
