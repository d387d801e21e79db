"""Read a video's container headers with PyAV in a process of its own (R24).

`python -m wuxiao.entries.video_probe PATH` prints one JSON object: the container format, the
first video stream's size and codec, the duration, and the process's own peak memory. Nothing
here imports Django. Why a separate process: FFmpeg's demuxers are a large C attack surface for
files from the internet, and loading its libraries costs a web worker some 16 MB for good; a
short-lived child with a memory limit and a timeout keeps both out of the server.
"""

import json
import resource
import sys

MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of the child: a hostile file cannot take the machine
PROBE_BYTES = 5 * 1024 * 1024  # how much FFmpeg may read to identify the streams


def probe(path: str) -> dict:
    """The container's facts, from its headers; no frame is decoded."""
    import av

    try:
        container = av.open(path, mode="r", options={"probesize": str(PROBE_BYTES), "analyzeduration": "0"})
    except (av.FFmpegError, OSError, ValueError, MemoryError):
        return {"readable": False}
    with container:
        info = {"readable": True, "format": container.format.name, "video": False, "seconds": None}
        if container.duration is not None:
            info["seconds"] = container.duration / av.time_base
        streams = container.streams.video
        if streams:
            stream = streams[0]
            info.update(video=True, width=stream.codec_context.width, height=stream.codec_context.height,
                        codec=stream.codec_context.name)
            if info["seconds"] is None and stream.duration is not None and stream.time_base:
                info["seconds"] = float(stream.duration * stream.time_base)
    return info


def peak_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main(argv: list[str]) -> int:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass
    info = probe(argv[1])
    info["peak_kb"] = peak_kb()
    json.dump(info, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
