#!/usr/bin/env bash
# deps.sh installs what roomrec's build, tests and demo need and is silent
# when everything is already there. Debian/Ubuntu (apt-get) and macOS (brew).
set -euo pipefail

apt_pkgs=()
brew_pkgs=()
brew_casks=()
have() { command -v "$1" >/dev/null 2>&1; }

have ffmpeg && have ffprobe || { apt_pkgs+=(ffmpeg); brew_pkgs+=(ffmpeg); }
have pkg-config || { apt_pkgs+=(pkg-config); brew_pkgs+=(pkg-config); }
if ! { have pkg-config && pkg-config --exists libavcodec libavutil libswscale libswresample; }; then
  apt_pkgs+=(libavcodec-dev libavutil-dev libswscale-dev libswresample-dev)
  brew_pkgs+=(ffmpeg)
fi
have gcc || { apt_pkgs+=(gcc libc6-dev); }
# npm installs hls.js for examples/server's page; Chromium runs its browser test.
have npm || { apt_pkgs+=(npm); brew_pkgs+=(node); }
if [ "$(uname -s)" = Linux ]; then
  have ip || apt_pkgs+=(iproute2)
  have unshare || apt_pkgs+=(util-linux)
  have chromium || apt_pkgs+=(chromium)
elif [ ! -d "/Applications/Chromium.app" ] && [ ! -d "/Applications/Google Chrome.app" ]; then
  brew_casks+=(chromium)
fi

if [ ${#apt_pkgs[@]} -eq 0 ] && [ ${#brew_pkgs[@]} -eq 0 ] && [ ${#brew_casks[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(uname -s)" = Darwin ]; then
  have brew || { echo "deps: Homebrew is needed to install: ${brew_pkgs[*]} ${brew_casks[*]} (https://brew.sh)" >&2; exit 1; }
  if [ ${#brew_pkgs[@]} -gt 0 ]; then
    # shellcheck disable=SC2046
    brew install $(printf '%s\n' "${brew_pkgs[@]}" | sort -u)
  fi
  if [ ${#brew_casks[@]} -gt 0 ]; then
    brew install --cask "${brew_casks[@]}"
  fi
  exit 0
fi

have apt-get || { echo "deps: please install: ${apt_pkgs[*]} (no apt-get on this machine)" >&2; exit 1; }
sudo=()
if [ "$(id -u)" != 0 ]; then
  have sudo || { echo "deps: run as root or install sudo; missing: ${apt_pkgs[*]}" >&2; exit 1; }
  sudo=(sudo -n)
fi
echo "deps: installing ${apt_pkgs[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
