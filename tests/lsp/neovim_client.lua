-- Neovim's own LSP client (vim.lsp.start_client, Neovim 0.7; vim.lsp.start from 0.8) attached to
-- `galcli lsp`, run headless by tests/lsp/test_neovim.py:
--   nvim --headless --clean -u NONE -c 'luafile neovim_client.lua'
-- Environment: TEST_FILE (the buffer to open), TEST_ROOT, TEST_PYTHON, TEST_OUT (what was seen,
-- one line each), TEST_LINE and TEST_COL (1-based line, 0-based byte column to complete at),
-- TEST_FIX_FROM and TEST_FIX_TO (an edit that clears the first diagnostic).
local out = {}
local function log(...)
  table.insert(out, table.concat(vim.tbl_map(tostring, { ... }), " "))
end

local function main()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.TEST_FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  log("nvim", vim.version().major .. "." .. vim.version().minor)
  local config = {
    name = "galcli",
    cmd = { vim.env.TEST_PYTHON, "-m", "galcli", "lsp" },
    root_dir = vim.env.TEST_ROOT,
    workspace_folders = { { uri = vim.uri_from_fname(vim.env.TEST_ROOT), name = "paper" } },
    get_language_id = function() return "latex" end,
    init_options = { galcli = { debounce = 100 } },
    handlers = {
      ["window/logMessage"] = function(_, result) log("logMessage", result.message) end,
    },
  }
  local client_id
  if vim.lsp.start then -- 0.8 and later: start (or reuse) and attach
    client_id = vim.lsp.start(config, { bufnr = bufnr })
  else -- 0.7
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  assert(client_id, "the client did not start")

  log("diagnostics", vim.wait(60000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50))
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    log("diagnostic", d.lnum, d.col, d.end_col, d.severity, d.source, d.code, d.message)
  end

  vim.api.nvim_win_set_cursor(0, { tonumber(vim.env.TEST_LINE), tonumber(vim.env.TEST_COL) })
  local params = vim.lsp.util.make_position_params(0, "utf-16")
  local answers = vim.lsp.buf_request_sync(bufnr, "textDocument/completion", params, 30000)
  for _, answer in pairs(answers or {}) do
    if answer.err or answer.error then log("completion_error", vim.inspect(answer.err or answer.error)) end
    local items = answer.result and (answer.result.items or answer.result) or {}
    table.sort(items, function(a, b) return (a.sortText or a.label) < (b.sortText or b.label) end)
    local labels = {}
    for i = 1, math.min(5, #items) do labels[i] = items[i].label end
    log("completion", #items, table.concat(labels, ","))
  end

  local line = vim.api.nvim_buf_get_lines(bufnr, tonumber(vim.env.TEST_LINE) - 1, tonumber(vim.env.TEST_LINE), false)
  local first = vim.diagnostic.get(bufnr)[1]
  local text = vim.api.nvim_buf_get_lines(bufnr, first.lnum, first.lnum + 1, false)[1]
  local fixed = text:gsub(vim.pesc(vim.env.TEST_FIX_FROM), vim.env.TEST_FIX_TO, 1)
  vim.api.nvim_buf_set_lines(bufnr, first.lnum, first.lnum + 1, false, { fixed }) -- didChange
  log("cleared", vim.wait(60000, function() return #vim.diagnostic.get(bufnr) == 0 end, 50))
  log("line", line[1])

  vim.lsp.stop_client(client_id)
  log("stopped", vim.wait(10000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50))
end

local ok, err = pcall(main)
if not ok then log("ERROR", err) end
vim.fn.writefile(out, vim.env.TEST_OUT)
vim.cmd(ok and "qa!" or "cquit! 1") -- an uncaught error would leave headless Neovim running
