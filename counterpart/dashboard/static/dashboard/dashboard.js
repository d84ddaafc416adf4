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
  var english = language.indexOf("en") === 0;
  var grouped = new Intl.NumberFormat(english ? "en" : "zh-CN", { maximumFractionDigits: 2 });
  var plain = new Intl.NumberFormat("en", { maximumFractionDigits: 2, useGrouping: false });
  var units = labels.units || {};
  var palette = ["#1f5f99", "#c2410c", "#15803d", "#7e22ce", "#b45309", "#0e7490", "#be123c", "#4d7c0f"];
  var instances = [];

  function unitLabel(unit) {
    return units[unit] !== undefined ? units[unit] : (labels["unit_" + unit] || unit);
  }

  function trimmed(value, places) {
    var factor = Math.pow(10, places);
    return plain.format(Math.round(value * factor) / factor);
  }

  /* The number alone, as counterpart/core/numbers.py writes it: 1640万, 1.341亿, 2040 / 16.4 million, 2,040. */
  function numberText(value) {
    var size = Math.abs(value);
    if (english) {
      if (size >= 1e9) return grouped.format(Math.round(value / 1e7) / 100) + " billion";
      if (size >= 1e6) return grouped.format(Math.round(value / 1e4) / 100) + " million";
      return grouped.format(value);
    }
    if (size >= 1e8) return trimmed(value / 1e8, 4) + "亿";
    if (size >= 1e4) return trimmed(value / 1e4, 2) + "万";
    return trimmed(value, 2);
  }

  function format(value, unit) {
    var words = unitLabel(unit);
    if (!words) return numberText(value);
    return numberText(value) + (english && words !== "%" ? " " : "") + words;
  }

  function isEmpty(chart) {
    return !chart.categories.length || chart.series.every(function (series) {
      return series.values.every(function (value) { return !value; });
    });
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
        cell.appendChild(link(series.urls[index], format(series.values[index], series.unit || chart.unit)));
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
      grid: { left: 8, right: 28, top: 40, bottom: 8, containLabel: true }
    };
  }

  /* Legends that fit: as many columns as the box allows, every entry shown (never paginated); the
   * box grows by the legend's rows. */
  function legendRows(chart, width) {
    var columns = Math.max(1, Math.floor(width / 150));
    return Math.ceil(chart.categories.length / columns);
  }

  function chartOption(chart, width) {
    var option = baseOption();
    var names = chart.categories.map(function (c) { return c.name; });
    option.legend = { top: 0, type: "plain" };
    option.tooltip.valueFormatter = function (value) { return format(value, chart.unit); };
    if (chart.kind === "pie") {
      var rows = legendRows(chart, width);
      option.tooltip.trigger = "item";
      option.legend = { bottom: 0, left: "center", type: "plain", itemGap: 6, itemWidth: 14, textStyle: { fontSize: 12, width: 130, overflow: "truncate" } };
      option.series = [{
        type: "pie",
        radius: ["30%", "70%"],
        center: ["50%", 130],
        height: 260,
        data: chart.categories.map(function (category, index) {
          return { name: category.name, value: chart.series[0].values[index] };
        }),
        minShowLabelAngle: 12,
        label: { formatter: "{d}%" }
      }];
      option.height = 260 + rows * 22 + 16;
      return option;
    }
    option.tooltip.trigger = "axis";
    option.tooltip.valueFormatter = undefined;
    option.tooltip.formatter = function (params) {
      var lines = [params[0] ? params[0].name : ""];
      params.forEach(function (item) {
        var series = chart.series[item.seriesIndex];
        lines.push(series.name + " " + format(item.value, series.unit || chart.unit));
      });
      // plain lines: the tooltip is rich text on the canvas (no HTML under the Content-Security-Policy)
      return lines.join("\n");
    };
    var horizontal = chart.kind === "bar";
    var categoryAxis = { type: "category", data: names, axisLabel: { width: 110, overflow: "truncate" } };
    /* Series of different units (person-times and courses) each get an axis of their own. */
    var axisUnits = [];
    chart.series.forEach(function (series) {
      var unit = series.unit || chart.unit;
      if (axisUnits.indexOf(unit) < 0) axisUnits.push(unit);
    });
    var valueAxes = axisUnits.map(function (unit, index) {
      return {
        type: "value",
        name: axisUnits.length > 1 ? unitLabel(unit) : "",
        position: horizontal ? (index === 0 ? "bottom" : "top") : (index === 0 ? "left" : "right"),
        splitLine: { show: index === 0 },
        axisLabel: { formatter: function (v) { return numberText(v); }, hideOverlap: true }
      };
    });
    option.xAxis = horizontal ? valueAxes : categoryAxis;
    option.yAxis = horizontal ? Object.assign({ inverse: true }, categoryAxis) : valueAxes;
    if (axisUnits.length > 1) {
      option.grid.top = 56;
      option.legend.top = 0;
      if (horizontal) option.grid.bottom = 8;
    }
    option.series = chart.series.map(function (series) {
      var axis = axisUnits.indexOf(series.unit || chart.unit);
      var item = {
        type: "bar",
        name: series.name,
        data: series.values,
        barMaxWidth: 40,
        stack: chart.kind === "stack" ? "total" : undefined
      };
      item[horizontal ? "xAxisIndex" : "yAxisIndex"] = axis;
      return item;
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
    if (isEmpty(chart)) {
      panel.appendChild(element("p", { class: "muted no-data" }, labels.noData));
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
    var option = chartOption(chart, canvasHolder.clientWidth || 360);
    if (option.height) {
      canvasHolder.style.height = option.height + "px";
      delete option.height;
      instance.resize();
    }
    var finished = whenFinished(instance);
    instance.setOption(option);
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
      if (county.context) return;
      var row = element("tr");
      var name = element("th", { scope: "row" });
      name.appendChild(link(county.url, county.name));
      row.appendChild(name);
      row.appendChild(element("td", { class: "num" }, format(county.funds, "yuan")));
      row.appendChild(element("td", { class: "num" }, format(county.beneficiaries, "persons")));
      body.appendChild(row);
    });
    return table;
  }

  function extent(geojson) {
    var box = { west: 180, east: -180, south: 90, north: -90 };
    function walk(coordinates) {
      if (typeof coordinates[0] === "number") {
        box.west = Math.min(box.west, coordinates[0]);
        box.east = Math.max(box.east, coordinates[0]);
        box.south = Math.min(box.south, coordinates[1]);
        box.north = Math.max(box.north, coordinates[1]);
        return;
      }
      coordinates.forEach(walk);
    }
    geojson.features.forEach(function (feature) { if (feature.geometry) walk(feature.geometry.coordinates); });
    return box;
  }

  /* 镇宁布依族苗族自治县 → 镇宁县, Zhenning Buyei and Miao Autonomous County → Zhenning County: the map's
   * label without the autonomous-county words (the table has the full name), so labels overlap less. */
  function shortName(name) {
    if (english) return String(name).replace(/^(\S+)\s.*\bAutonomous County$/, "$1 County");
    var short = String(name).replace(/(布依族|苗族|土家族|彝族|回族|仡佬族|侗族|水族|自治)+(县|区)$/, "$2");
    return short.length > 1 ? short : name;
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
    var context = {};
    map.counties.forEach(function (county) {
      names[county.code] = county.name;
      urls[county.code] = county.url;
      context[county.code] = !!county.context;
    });
    if (map.counties.some(function (county) { return county.context; })) {
      holder.parentNode.insertBefore(element("p", { class: "muted map-note" }, labels.contextNote), holder.nextSibling);
    }
    /* The box takes the counties' own proportions, so the map fills it instead of a small part of a
     * wide box (longitude shrunk by the latitude's cosine, as ECharts draws it). */
    var box = extent(geojson);
    var ratio = (box.north - box.south) / ((box.east - box.west) * Math.cos(((box.north + box.south) / 2) * Math.PI / 180) || 1);
    var width = holder.clientWidth || 360;
    var legendSpace = 56;
    holder.style.height = Math.round(Math.min(Math.max(width * ratio, 220), 640) + legendSpace) + "px";
    var instance = echarts.init(holder, null, { renderer: "canvas" });
    instances.push(instance);
    var note = element("p", { class: "muted no-data", hidden: "" }, labels.noData);
    holder.parentNode.insertBefore(note, holder);

    function option(measure) {
      var unit = measure === "funds" ? "yuan" : "persons";
      var shown = map.counties.filter(function (county) { return !county.context; });
    var values = shown.map(function (county) { return county[measure] || 0; });
      var max = Math.max.apply(null, values.concat([0]));
      var lowest = Math.min.apply(null, values);
      var min = lowest < max && values.length > 1 ? lowest : 0;
      var empty = max === 0;
      note.hidden = !empty;
      return {
        animation: false,
        tooltip: {
          trigger: "item",
          renderMode: "richText",
          formatter: function (params) {
            if (context[params.name]) return names[params.name] || params.name;
            return (names[params.name] || params.name) + "\n" + format(params.value || 0, unit);
          }
        },
        /* The legend under the map, never over a county; an empty year has none (the note says so). */
        visualMap: {
          show: !empty,
          min: min,
          max: empty ? 1 : max,
          orient: "horizontal",
          left: "center",
          bottom: 4,
          itemWidth: 12,
          itemHeight: Math.min(160, width / 2),
          calculable: true,
          formatter: function (value) { return format(value, unit); },
          inRange: { color: ["#e8f1fa", "#1f5f99"] }
        },
        series: [{
          type: "map",
          map: mapName,
          roam: false,
          left: 4,
          right: 4,
          top: 4,
          bottom: legendSpace,
          labelLayout: { hideOverlap: true },
          label: { show: true, fontSize: width < 480 ? 9 : 11, formatter: function (params) { return shortName(names[params.name] || params.name); } },
          emphasis: { label: { show: true } },
          /* A county office's map: the prefecture's other counties grey, without figures; its own outlined. */
          data: map.counties.map(function (county) {
            if (county.context) {
              return { name: county.code, value: null, itemStyle: { areaColor: "#eeeeee", borderColor: "#bbbbbb" }, label: { color: "#888888" } };
            }
            var item = { name: county.code, value: county[measure] };
            if (county.own) item.itemStyle = { borderColor: "#8c1c13", borderWidth: 2.5 };
            return item;
          })
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

  /* A county office's townships beside its map: no township boundaries exist to draw (dashboard/townships.py),
   * so their figures are bars and a table, laid out before the map so that the map takes its final width. */
  function townshipPanel(chart) {
    var side = document.getElementById("map-side");
    if (!side) return null;
    side.hidden = false;
    document.getElementById("map-panel").classList.add("with-side");
    var holder = chartPanel(side, chart);
    side.appendChild(element("p", { class: "muted map-note" }, labels.townshipNote));
    if (holder) holder.style.height = Math.max(240, chart.categories.length * 34 + 80) + "px";
    return holder;
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
      var townships = data.townships ? townshipPanel(data.townships) : null;
      var drawn = data.charts.map(function (chart, index) { return drawChart(holders[index], chart); });
      if (townships) drawn.push(drawChart(townships, data.townships));
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
