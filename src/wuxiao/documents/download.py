"""A document made by an exporter, sent as a download (pages and API alike)."""

import io

from django.http import FileResponse

from .exporters import Exporter


def download(exporter: Exporter, data: bytes | None = None) -> FileResponse:
    """The exporter's file as an attachment; `data` when it was rendered already (a cached copy)."""
    data = exporter.render() if data is None else data
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=exporter.filename(),
                        content_type=exporter.content_type)
