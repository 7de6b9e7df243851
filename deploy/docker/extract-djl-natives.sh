#!/bin/sh
# extract-djl-natives.sh LIB_DIR CACHE_DIR
# Lays the PyTorch native library of the pytorch-native-* jar in LIB_DIR out in DJL's cache (DJL_CACHE_DIR) exactly as
# DJL does on first use (ai.djl.pytorch.jni.LibUtils), so a container starts without extracting it again:
#   CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/<the jar's pytorch/<flavor>/<classifier>/*>
#   CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/<djl version>-libdjl_torch.so   (from pytorch-jni-*.jar)
# version, flavor and classifier come from the jar's native/lib/pytorch.properties, the DJL version from the JNI jar's
# jnilib/pytorch.properties. If DJL ever expects another layout it extracts from the same jars at start (they stay on
# the classpath); it never downloads: the image runs with ai.djl.offline=true.
set -eu
lib=$1
cache=$2
set -- "$lib"/pytorch-native-*.jar
[ $# -eq 1 ] && [ -f "$1" ] || { echo "expected exactly one pytorch-native-*.jar in $lib, found: $*" >&2; exit 1; }
native=$1
set -- "$lib"/pytorch-jni-*.jar
[ $# -eq 1 ] && [ -f "$1" ] || { echo "expected exactly one pytorch-jni-*.jar in $lib, found: $*" >&2; exit 1; }
jni=$1
property() { # property JAR ENTRY KEY
  unzip -p "$1" "$2" | tr -d '\r' | sed -n "s/^$3=//p"
}
version=$(property "$native" native/lib/pytorch.properties version)
flavor=$(property "$native" native/lib/pytorch.properties flavor)
classifier=$(property "$native" native/lib/pytorch.properties classifier)
djl_version=$(property "$jni" jnilib/pytorch.properties jni_version | sed 's/.*-//')
dir="$cache/pytorch/$version-$flavor-$classifier"
mkdir -p "$dir"
unzip -q -j -o "$native" "pytorch/$flavor/$classifier/*" -d "$dir"
unzip -p "$jni" "jnilib/$classifier/$flavor/libdjl_torch.so" >"$dir/$djl_version-libdjl_torch.so"
echo "PyTorch $version ($flavor, $classifier) for DJL $djl_version in $dir:"
ls -l "$dir"
