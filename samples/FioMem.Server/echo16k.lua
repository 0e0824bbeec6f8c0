-- wrk script: POST a 16 KiB body to /echo.
wrk.method = "POST"
wrk.body = string.rep("0123456789abcdef", 1024)
wrk.headers["Content-Type"] = "application/octet-stream"
