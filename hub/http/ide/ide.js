/* The GraphiQL page's bootstrap (hub/http/ide/page.py inlines it; the page's
 * Content-Security-Policy allows exactly this text by its sha256). The per-page values
 * travel in the JSON block #ide-config, which is never executed.
 * GraphiQL introspects once on load, before its headers editor exists (so without the
 * token): a request without an Authorization header is answered here, not sent; the wrapper hands GraphiQL a fresh fetcher whenever the effective headers
 * change, which makes it introspect again with the pasted token. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("ide-config").textContent);
  var root = document.getElementById("graphiql");
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    root.textContent = config.loadFailedMessage;
    return;
  }
  var h = React.createElement;

  /* Headers to send: the editor's values minus any still holding the placeholder. */
  function effectiveHeaders(headers) {
    var out = {};
    Object.keys(headers || {}).sort().forEach(function (name) {
      var value = headers[name];
      if (value === null || value === undefined) { return; }
      value = String(value);
      if (value.indexOf(config.placeholder) !== -1) { return; }
      out[name] = value;
    });
    return out;
  }

  function headersKey(text) {
    try {
      var parsed = JSON.parse(text || "{}");
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) { return null; }
      return JSON.stringify(effectiveHeaders(parsed));
    } catch (e) {
      return null;
    }
  }

  function makeFetcher() {
    return function fetcher(params, opts) {
      var headers = effectiveHeaders(opts && opts.headers);
      /* Without a token the hub can only answer 401: say so here instead of asking. */
      if (!Object.keys(headers).some(function (name) { return /^authorization$/i.test(name); })) {
        return Promise.resolve({errors: [{message: config.noTokenMessage}]});
      }
      headers["Content-Type"] = "application/json";
      headers["Accept"] = "application/json";
      return fetch(config.endpoint, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(params),
        credentials: "same-origin"
      }).then(function (response) {
        return response.text().then(function (text) {
          try {
            return JSON.parse(text);
          } catch (e) {
            return {errors: [{message: "HTTP " + response.status + ": " + text.slice(0, 500)}]};
          }
        });
      });
    };
  }

  /* GraphiQL keeps query history (headers included) in localStorage even when headers
     are not persisted: store it with credential headers reset to the placeholder. */
  var SECRET_HEADER = /authorization|cookie|token|secret|api[-_]?key/i;
  function redactHeaders(text) {
    var parsed;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return null;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) { return null; }
    Object.keys(parsed).forEach(function (name) {
      if (SECRET_HEADER.test(name)) {
        parsed[name] = /^bearer\s/i.test(String(parsed[name]))
          ? "Bearer " + config.placeholder : config.placeholder;
      }
    });
    return JSON.stringify(parsed, null, 2);
  }
  function redact(value) {
    var data;
    try {
      data = JSON.parse(value);
    } catch (e) {
      return value;
    }
    (function walk(node) {
      if (node === null || typeof node !== "object") { return; }
      Object.keys(node).forEach(function (key) {
        if (key === "headers" && typeof node[key] === "string") {
          node[key] = redactHeaders(node[key]);
        } else {
          walk(node[key]);
        }
      });
    })(data);
    return JSON.stringify(data);
  }
  var storage = null;
  try {
    var local = window.localStorage;
    var ours = function (key) { return key.indexOf("graphiql:") === 0; };
    storage = {
      getItem: function (key) { return local.getItem(key); },
      setItem: function (key, value) { local.setItem(key, redact(value)); },
      removeItem: function (key) { local.removeItem(key); },
      clear: function () { Object.keys(local).filter(ours).forEach(this.removeItem); },
      get length() { return Object.keys(local).filter(ours).length; }
    };
  } catch (e) {
    storage = null;
  }

  function Ide() {
    var state = React.useState(makeFetcher);
    var setFetcher = state[1];
    var lastKey = React.useRef(headersKey(config.defaultHeaders));
    var timer = React.useRef(0);
    function onEditHeaders(text) {
      clearTimeout(timer.current);
      timer.current = setTimeout(function () {
        var key = headersKey(text);
        if (key !== null && key !== lastKey.current) {
          lastKey.current = key;
          setFetcher(function () { return makeFetcher(); });
        }
      }, 700);
    }
    return h(GraphiQL, {
      fetcher: state[0],
      storage: storage,
      defaultQuery: config.defaultQuery,
      defaultHeaders: config.defaultHeaders,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      showPersistHeadersSettings: false,
      defaultEditorToolsVisibility: "headers",
      onEditHeaders: onEditHeaders
    });
  }

  ReactDOM.createRoot(root).render(h(Ide));
})();
