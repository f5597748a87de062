// lightcone: latency zones and edge-site placement over fibre networks.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "commands.hpp"
#include "core/error.hpp"

namespace {

// Ends the process once a command is done. Every output file is complete by then (written
// to a temporary name, synced and renamed; no dataset is left open), so only the standard
// streams need flushing; the exit handlers that would follow only free memory (PROJ's and
// SQLite's schemas, GDAL's drivers: about 1 ms of a tiny run). Sanitizer builds exit
// normally, so the leak checker runs.
int finish(int rc) {
#if defined(LIGHTCONE_FAST_EXIT) && LIGHTCONE_FAST_EXIT
  std::fflush(nullptr);
  std::_Exit(rc);
#else
  return rc;
#endif
}

int run_main(int argc, char** argv) {
  CLI::App app{"lightcone: where is compute reachable within a latency budget over real fibre"};
  app.set_version_flag("--version", "lightcone 0.1.0");
  app.require_subcommand(1);
  lightcone::cli::Runner run;
  // The one registration list.
  lightcone::cli::register_validate(app, run);
  lightcone::cli::register_info(app, run);
  lightcone::cli::register_latency(app, run);
  lightcone::cli::register_zones(app, run);
  lightcone::cli::register_plan(app, run);
  lightcone::cli::register_merge(app, run);
  lightcone::cli::register_check(app, run);
  lightcone::cli::register_diff(app, run);
  lightcone::cli::register_place(app, run);
  lightcone::cli::register_render(app, run);
  lightcone::cli::register_report(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Usage errors are bad input too: one line, exit 2.
    fmt::print(stderr, "lightcone: error: {}. Run 'lightcone {}--help' for the options.\n",
               lightcone::escape_control(e.what()),
               app.get_subcommands().empty() ? "" : app.get_subcommands().front()->get_name() + " ");
    return 2;
  }
  try {
    return run();
  } catch (const lightcone::InputError& e) {
    // Escaped when it was made (core/error.hpp); the other messages are escaped here.
    fmt::print(stderr, "lightcone: error: {}\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "lightcone: error: out of memory. Try a smaller extent or budget.\n");
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "lightcone: internal error: {}\n", lightcone::escape_control(e.what()));
    return 3;
  }
}

}  // namespace

int main(int argc, char** argv) { return finish(run_main(argc, argv)); }
