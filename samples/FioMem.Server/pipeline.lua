-- wrk script: requests sent 16 deep on each connection (HTTP/1.1 pipelining).
--   wrk ... -s pipeline.lua URL -- <path> [depth] [body-bytes]
-- With a body size the requests are POSTs of that many bytes, otherwise GETs.
init = function(args)
  local path = args[1] or "/json"
  local depth = tonumber(args[2] or "16")
  local size = tonumber(args[3] or "0")
  local one
  if size > 0 then
    local body = string.rep("0123456789abcdef", math.floor(size / 16))
    one = wrk.format("POST", path, { ["Content-Type"] = "application/octet-stream" }, body)
  else
    one = wrk.format("GET", path)
  end
  local all = {}
  for i = 1, depth do all[i] = one end
  req = table.concat(all)
end

request = function()
  return req
end
