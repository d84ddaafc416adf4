/* The dashboard's charts and map: fetches the page's JSON (one endpoint per dashboard) and the
 * counties' boundaries, draws them with ECharts, and writes every chart out as a table too.
 * Clicking a bar, a slice or a county opens the list of the records behind it.
 * When everything is drawn it sets the performance mark "dashboard-charts-drawn" and the measure
 * "dashboard-first-render" (from navigation start), which the browser test reads. */
(function () {
  "use strict";

  var root = document.getElementById("dashboard");
  if (!root) {
    return;
  }
  var labels = JSON.parse(document.getElementById("dashboard-labels").textContent);
  var language = root.dataset.language || "zh-hans";
  var locale = language === "en" ? "en" : "zh-CN";
  var numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  var axisFormat = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  var palette = ["#1f5f99", "#c2410c", "#15803d", "#7e22ce", "#b45309", "#0e7490", "#be123c", "#4d7c0f"];
  var instances = [];

  function unitLabel(unit) {
    return labels["unit_" + unit] || unit;
  }

  function format(value, unit) {
    return numberFormat.format(value) + " " + unitLabel(unit);
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function link(url, text) {
    if (!url) {
      return document.createTextNode(text);
    }
    var anchor = element("a", { href: url }, text);
    return anchor;
  }

  /* The text alternative: one row per category, one column per series, each value linked. */
  function chartTable(chart) {
    var table = element("table");
    var head = element("tr");
    head.appendChild(element("th", { scope: "col" }, ""));
    chart.series.forEach(function (series) {
      head.appendChild(element("th", { scope: "col", class: "num" }, series.name));
    });
    table.appendChild(element("thead")).appendChild(head);
    var body = table.appendChild(element("tbody"));
    chart.categories.forEach(function (category, index) {
      var row = element("tr");
      row.appendChild(element("th", { scope: "row" }, category.name));
      chart.series.forEach(function (series) {
        var cell = element("td", { class: "num" });
        cell.appendChild(link(series.urls[index], format(series.values[index], chart.unit)));
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    return table;
  }

  function baseOption() {
    return {
      animation: false,
      color: palette,
      textStyle: { fontFamily: "inherit" },
      // Tooltips drawn on the canvas, not as HTML: ECharts' HTML tooltips write style attributes,
      // which the Content-Security-Policy refuses (docs/security.md).
      tooltip: { confine: true, renderMode: "richText" },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true }
    };
  }

  function chartOption(chart) {
    var option = baseOption();
    var names = chart.categories.map(function (c) { return c.name; });
    option.legend = { top: 0, type: "scroll" };
    option.tooltip.valueFormatter = function (value) { return format(value, chart.unit); };
    if (chart.kind === "pie") {
      option.tooltip.trigger = "item";
      option.legend = { bottom: 0, type: "scroll" };
      option.series = [{
        type: "pie",
        radius: ["30%", "62%"],
        center: ["50%", "45%"],
        data: chart.categories.map(function (category, index) {
          return { name: category.name, value: chart.series[0].values[index] };
        }),
        minShowLabelAngle: 12,
        label: { formatter: "{d}%" }
      }];
      return option;
    }
    option.tooltip.trigger = "axis";
    var horizontal = chart.kind === "bar";
    var categoryAxis = { type: "category", data: names, axisLabel: { width: 110, overflow: "truncate" } };
    var valueAxis = { type: "value", axisLabel: { formatter: function (v) { return axisFormat.format(v); } } };
    option.xAxis = horizontal ? valueAxis : categoryAxis;
    option.yAxis = horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxis;
    option.series = chart.series.map(function (series) {
      return {
        type: "bar",
        name: series.name,
        data: series.values,
        barMaxWidth: 40,
        stack: chart.kind === "stack" ? "total" : undefined
      };
    });
    return option;
  }

  function whenFinished(instance) {
    return new Promise(function (resolve) {
      instance.on("finished", function done() {
        instance.off("finished", done);
        resolve();
      });
    });
  }

  /* Lay out every panel first, so each chart starts at its final width in the grid. */
  function chartPanel(container, chart) {
    var panel = element("section", { class: "chart-panel", id: "panel-" + chart.key, "aria-labelledby": "title-" + chart.key });
    panel.appendChild(element("h3", { id: "title-" + chart.key }, chart.title));
    container.appendChild(panel);
    if (!chart.categories.length) {
      panel.appendChild(element("p", { class: "muted" }, labels.noData));
      return null;
    }
    var canvasHolder = element("div", { class: "chart", id: "chart-" + chart.key, role: "img", "aria-label": chart.title + " — " + labels.table });
    panel.appendChild(canvasHolder);
    var details = element("details", { class: "data-table" });
    details.appendChild(element("summary", {}, labels.table));
    details.appendChild(chartTable(chart));
    panel.appendChild(details);
    return canvasHolder;
  }

  function drawChart(canvasHolder, chart) {
    if (!canvasHolder) {
      return Promise.resolve();
    }
    var instance = echarts.init(canvasHolder, null, { renderer: "canvas" });
    instances.push(instance);
    var finished = whenFinished(instance);
    instance.setOption(chartOption(chart));
    instance.on("click", function (params) {
      var series = chart.series[params.seriesIndex] || chart.series[0];
      var url = series.urls[params.dataIndex];
      if (url) {
        window.location.href = url;
      }
    });
    return finished;
  }

  function mapTable(map) {
    var table = element("table");
    var head = element("tr");
    head.appendChild(element("th", { scope: "col" }, labels.county));
    head.appendChild(element("th", { scope: "col", class: "num" }, labels.funds));
    head.appendChild(element("th", { scope: "col", class: "num" }, labels.beneficiaries));
    table.appendChild(element("thead")).appendChild(head);
    var body = table.appendChild(element("tbody"));
    map.counties.forEach(function (county) {
      var row = element("tr");
      var name = element("th", { scope: "row" });
      name.appendChild(link(county.url, county.name));
      row.appendChild(name);
      row.appendChild(element("td", { class: "num" }, numberFormat.format(county.funds)));
      row.appendChild(element("td", { class: "num" }, numberFormat.format(county.beneficiaries)));
      body.appendChild(row);
    });
    return table;
  }

  function drawMap(map, geojson, mapName) {
    var holder = document.getElementById("map");
    document.getElementById("map-table").appendChild(mapTable(map));
    if (!geojson.features.length) {
      holder.textContent = labels.noData;
      return Promise.resolve();
    }
    echarts.registerMap(mapName, geojson);
    var names = {};
    var urls = {};
    map.counties.forEach(function (county) {
      names[county.code] = county.name;
      urls[county.code] = county.url;
    });
    var instance = echarts.init(holder, null, { renderer: "canvas" });
    instances.push(instance);

    function option(measure) {
      var unit = measure === "funds" ? "yuan" : "persons";
      var values = map.counties.map(function (county) { return county[measure]; });
      var max = Math.max.apply(null, values.concat([1]));
      var lowest = Math.min.apply(null, values);
      var min = lowest < max && values.length > 1 ? lowest : 0;
      return {
        animation: false,
        tooltip: {
          trigger: "item",
          renderMode: "richText",
          formatter: function (params) {
            return (names[params.name] || params.name) + "\n" + format(params.value || 0, unit);
          }
        },
        visualMap: {
          min: min,
          max: max,
          left: 8,
          bottom: 8,
          calculable: true,
          text: [axisFormat.format(max), axisFormat.format(min)],
          inRange: { color: ["#e8f1fa", "#1f5f99"] }
        },
        series: [{
          type: "map",
          map: mapName,
          roam: false,
          label: { show: true, fontSize: 10, formatter: function (params) { return names[params.name] || params.name; } },
          emphasis: { label: { show: true } },
          data: map.counties.map(function (county) { return { name: county.code, value: county[measure] }; })
        }]
      };
    }

    var finished = whenFinished(instance);
    instance.setOption(option("funds"));
    instance.on("click", function (params) {
      if (urls[params.name]) {
        window.location.href = urls[params.name];
      }
    });
    document.querySelectorAll("input[name=map-measure]").forEach(function (input) {
      input.addEventListener("change", function () {
        instance.setOption(option(input.value));
        root.dataset.mapMeasure = input.value;
      });
    });
    return finished;
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": " + response.status);
      }
      return response.json();
    });
  }

  /* This script is deferred before ECharts: the data is on its way while ECharts downloads, and
   * drawing starts at DOMContentLoaded, when every deferred script (ECharts too) has run. */
  var fetched = Promise.all([fetchJson(root.dataset.dataUrl), fetchJson(root.dataset.mapUrl)]);
  var ready = new Promise(function (resolve) {
    if (document.readyState === "complete") {
      resolve();
    } else {
      document.addEventListener("DOMContentLoaded", resolve);
    }
  });

  Promise.all([fetched, ready])
    .then(function (results) {
      if (typeof echarts === "undefined") {
        throw new Error("ECharts is not loaded");
      }
      var data = results[0][0];
      var geojson = results[0][1];
      var container = document.getElementById("charts");
      var holders = data.charts.map(function (chart) { return chartPanel(container, chart); });
      var drawn = data.charts.map(function (chart, index) { return drawChart(holders[index], chart); });
      drawn.push(drawMap(data.map, geojson, "counterpart-" + data.program + "-" + data.year));
      return Promise.all(drawn);
    })
    .then(function () {
      performance.mark("dashboard-charts-drawn");
      performance.measure("dashboard-first-render", { start: 0, end: "dashboard-charts-drawn" });
      root.dataset.chartsDrawn = "true";
    })
    .catch(function (error) {
      root.dataset.chartsDrawn = "failed";
      document.getElementById("charts").appendChild(element("p", { role: "alert" }, labels.loadFailed));
      if (window.console) {
        window.console.error(error);
      }
    });

  /* Charts follow their boxes: a window resize, a phone turned sideways, the grid reflowing. */
  var resizing = null;
  function resizeAll() {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      instances.forEach(function (instance) { instance.resize(); });
    }, 100);
  }
  window.addEventListener("resize", resizeAll);
  if (typeof ResizeObserver !== "undefined") {
    new ResizeObserver(resizeAll).observe(root);
  }
})();
