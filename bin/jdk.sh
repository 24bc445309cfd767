# Sourced by the project's scripts: sets JAVA_HOME to a JDK >= 21 (the one already set if it
# qualifies, else the newest under /usr/lib/jvm), so nobody has to export it by hand.
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  JAVA_HOME=""
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -V -r); do
    d=${d%/}
    if [ -x "$d/bin/javac" ] && [ "$(java_major "$d")" -ge 21 ] 2>/dev/null; then JAVA_HOME=$d; break; fi
  done
  if [ -z "$JAVA_HOME" ]; then echo "mxfront: no JDK >= 21 found under /usr/lib/jvm" >&2; exit 1; fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
