"""The stream is in the OpenAPI schema with its explicit operation id and media type."""

from __future__ import annotations


async def test_stream_events_is_documented_as_an_event_stream(events_server):
    operation = events_server.app.openapi_schema.to_schema()["paths"]["/api/v1/events"]["get"]
    assert operation["operationId"] == "streamEvents"
    assert operation["tags"] == ["events"]
    success = operation["responses"]["200"]["content"]
    assert list(success) == ["text/event-stream"]
    assert success["text/event-stream"]["schema"] == {"$ref": "#/components/schemas/StreamEvent"}
    assert "queue.pushed" in operation["description"]
    assert {p["name"] for p in operation["parameters"]} == {
        "topics",
        "last_event_id",
        "last-event-id",
    }
