async def test_health(client):
    r = await client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "healthy"}


async def test_jobs_list(client, admin, worker, chancy):
    from tests.conftest import run_job
    job_id = await run_job(chancy, "fail", message="kaput")
    r = await client.get("/api/v1/jobs", params={"state": "failed", "pagination": "true"}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    print(body)
    assert body["items"][0]["id"] == str(job_id)
    r = await client.get(f"/api/v1/jobs/{job_id}", headers=admin)
    print(r.json())
    assert "kaput" in r.json()["errors"][0]["traceback"]
