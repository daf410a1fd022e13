-- Prepended to every command. Records are hashes of strings ('' = null); ARGV[1] is the key prefix.
local function fmt(n) return string.format('%.0f', n) end
local function nowms(arg)
  if arg ~= nil and arg ~= '' then return tonumber(arg) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function pad20(s) return string.rep('0', 20 - #s) .. s end
local function inlist(csv, v) return string.find(',' .. csv .. ',', ',' .. v .. ',', 1, true) ~= nil end
