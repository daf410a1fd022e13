-- Literal prefix matching of the retention commands (effects-prune, audit-prune): no pattern
-- characters, the prefixes compared byte by byte.
-- Whether `value` starts with one of ARGV[first] .. ARGV[last].
local function starts_with_any(value, first, last)
  for i = first, last do
    if string.sub(value, 1, #ARGV[i]) == ARGV[i] then return true end
  end
  return false
end
