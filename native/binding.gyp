{
  "targets": [
    {
      "target_name": "sshtrace",
      "sources": [
        "addon.cc",
        "Recording.cc",
        "Tracer.cc",
        "DrainThread.cc",
        "Counters.cc",
        "Preflight.cc",
        "ProgramFilter.cc",
        "LibbpfLog.cc",
        "TracerFailure.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "../bpf",
        "../bpf/.output"
      ],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": [
        "-std=c++17",
        "-Wall",
        "-Wextra",
        "<!@(pkg-config --cflags libbpf libelf zlib)"
      ],
      "libraries": ["<!@(pkg-config --libs libbpf libelf zlib)"]
    }
  ]
}
