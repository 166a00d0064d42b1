#!/bin/sh
# Wrap dist/ILT Desk.app (from `python installers/package.py` on macOS) in a compressed DMG
# with a link to /Applications, named after the package version.
set -eu
cd "$(dirname "$0")/../.."
VERSION=$(python -c "from importlib.metadata import version; print(version('iltdesk'))")
APP="dist/ILT Desk.app"
STAGE=build/package/dmg
OUT="dist/iltdesk-$VERSION-macos.dmg"
test -d "$APP" || { echo "Build the app first: python installers/package.py" >&2; exit 1; }
rm -rf "$STAGE" "$OUT"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "ILT Desk $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$OUT"
echo "$OUT"
