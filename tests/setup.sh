# Shared by tests/run.sh and data/run-sample.sh (sourced, not run).
# install_deps: installs the Debian 12 packages that are missing (needs root or sudo).
# configure_build DIR [CMAKE ARGS...]: configures and builds lightcone in DIR.

LIGHTCONE_PACKAGES=(
  libgdal-dev gdal-bin libgeos-dev libproj-dev libboost-graph-dev libcli11-dev libfmt-dev
  libgtest-dev coinor-libcbc-dev libtbb-dev nlohmann-json3-dev libtomlplusplus-dev
  libbenchmark-dev pkg-config cmake g++ make libjs-leaflet libfreetype-dev fonts-wqy-microhei
  python3-numpy python3-scipy python3-pyproj python3-gdal
)

install_deps() {
  local missing=()
  for p in "${LIGHTCONE_PACKAGES[@]}" "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

configure_build() {
  local dir=$1
  shift
  cmake -S "$LIGHTCONE_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIGHTCONE_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j"$(nproc)" "${LIGHTCONE_TARGETS[@]/#/--target=}"
}
