// The header's search box, on Pagefind's JavaScript API. Results are built with text nodes
// only (never innerHTML): titles and excerpts are captured text, and Pagefind's own UI sets
// its excerpt as HTML, where a capture's "&lt;" could become markup.
(function () {
  "use strict";
  var box = document.getElementById("digest-search");
  if (!box) return;
  var root = new URL(box.dataset.root, window.location.href).pathname;
  var FILTERS = ["outlet", "rating", "year", "story"];
  var pagefind = null;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var input = element("input", "digest-search__input");
  input.type = "search"; input.placeholder = "Search articles"; input.setAttribute("aria-label", "Search articles");
  // Filters load when asked for: their values come from every filter chunk of every bundle,
  // about a third of what a first query would otherwise download (bench/README.md, Scale).
  var filterToggle = element("details", "digest-search__filter-toggle");
  var filterRow = element("div", "digest-search__filters");
  filterToggle.append(element("summary", "", "Filter by outlet, rating, year or story"), filterRow);
  var results = element("ol", "digest-search__results");
  var panel = element("div", "digest-search__panel");
  panel.hidden = true;
  panel.append(filterToggle, results);
  box.append(input, panel);
  var selects = {};
  var filtersLoaded = null;

  // A large digest is indexed in shards (digest/site/search.py): pagefind/ and pagefind-1/, ...,
  // counted in pagefind/shards.json and merged here; Pagefind then sums results and filter
  // counts across them. No manifest (an older site) means one bundle; 0 means no article is
  // indexed yet, and there is no bundle to load.
  function shardCount() {
    return fetch(root + "pagefind/shards.json", { cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (manifest) {
        var count = manifest.shards;
        return Number.isInteger(count) && count >= 0 && count <= 1000 ? count : 1;
      }, function () { return 1; });
  }
  var NOTHING_INDEXED = {
    search: function () { return Promise.resolve({ results: [] }); },
    filters: function () { return Promise.resolve({}); }
  };

  function load() {
    if (!pagefind) {
      pagefind = shardCount().then(function (count) {
        if (count === 0) return NOTHING_INDEXED;
        return import(root + "pagefind/pagefind.js").then(function (module) {
          var merges = [];
          // noWorker: the worker script would be a second copy of pagefind.js (40 KB) per reader.
          module.options({ baseUrl: root, noWorker: true });
          for (var n = 1; n < count; n++) merges.push(module.mergeIndex(root + "pagefind-" + n + "/", { baseUrl: root }));
          return Promise.all(merges).then(function () { return module; });
        });
      });
    }
    return pagefind;
  }

  function fillFilters() {
    filtersLoaded = filtersLoaded || load().then(function (module) { return module.filters(); }).then(function (available) {
      FILTERS.forEach(function (name) {
        var values = Object.keys(available[name] || {}).sort();
        if (!values.length) return;
        var select = element("select", "digest-search__filter");
        select.setAttribute("aria-label", "Filter by " + name);
        select.dataset.filter = name;
        select.append(element("option", "", "Any " + name));
        select.options[0].value = "";
        values.forEach(function (value) {
          var option = element("option", "", value);
          option.value = value;
          select.append(option);
        });
        select.addEventListener("change", search);
        selects[name] = select;
        filterRow.append(select);
      });
    });
    return filtersLoaded;
  }

  function excerptText(excerpt) {
    // Pagefind escapes only < and >, and marks matches with <mark>: both undone, as text.
    return excerpt.replace(/<\/?mark>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  }

  var latest = 0;
  function search() {
    var query = input.value.trim();
    var ticket = ++latest;
    var filters = {};
    Object.keys(selects).forEach(function (name) {
      if (selects[name].value) filters[name] = selects[name].value;
    });
    if (!query && !Object.keys(filters).length) { panel.hidden = true; return; }
    load().then(function (module) {
      return module.search(query || null, { filters: filters }).then(function (found) {
        return Promise.all(found.results.slice(0, 10).map(function (r) { return r.data(); }))
          .then(function (pages) { return [found, pages]; });
      });
    }).then(function (answer) {
      if (ticket !== latest) return;
      var found = answer[0], pages = answer[1];
      results.replaceChildren();
      results.append(element("li", "digest-search__count", found.results.length + " articles"));
      pages.forEach(function (page) {
        var item = element("li", "digest-search__result");
        var link = element("a", "digest-search__link", page.meta.title || page.url);
        link.href = page.url;
        item.append(link, element("p", "digest-search__excerpt", excerptText(page.excerpt || "")));
        results.append(item);
      });
      panel.hidden = false;
    });
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", search);
  filterToggle.addEventListener("toggle", function () { if (filterToggle.open) fillFilters(); });
  var query = new URLSearchParams(window.location.search);
  var queryFilters = FILTERS.some(function (n) { return query.get(n); });
  if (query.get("q") || queryFilters) {  // shareable: ?q=words&outlet=...
    input.value = query.get("q") || "";
    filterToggle.open = queryFilters;
    (queryFilters ? fillFilters() : load()).then(function () {
      FILTERS.forEach(function (name) { if (selects[name] && query.get(name)) selects[name].value = query.get(name); });
      search();
    });
  }
  window.digestSearch = { search: function (words) { input.value = words; return load().then(search); } };
})();
