// One registration function per command; main.cpp lists them. Each command parses its
// options into a plain struct (no I/O), then its run function does the work and returns
// the exit code: 0 ok, 1 problems found / target failed, 2 bad input (InputError).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace lightcone::cli {

using Runner = std::function<int()>;

void register_validate(CLI::App& app, Runner& run);
void register_info(CLI::App& app, Runner& run);
void register_latency(CLI::App& app, Runner& run);
void register_zones(CLI::App& app, Runner& run);
void register_plan(CLI::App& app, Runner& run);
void register_merge(CLI::App& app, Runner& run);
void register_check(CLI::App& app, Runner& run);
void register_diff(CLI::App& app, Runner& run);
void register_place(CLI::App& app, Runner& run);
void register_render(CLI::App& app, Runner& run);
void register_report(CLI::App& app, Runner& run);

}  // namespace lightcone::cli
