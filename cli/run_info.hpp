// What every output states about the run; the implementation lives in the library
// (report/run_info.hpp), shared by the commands and `plan`.
#pragma once

#include "report/run_info.hpp"

namespace lightcone::cli {

using lightcone::model_to_json;
using lightcone::run_info_table;

}  // namespace lightcone::cli
