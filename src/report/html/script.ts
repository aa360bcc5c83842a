// The report page's only script: the filters. It is a constant (nothing from the report is put into it),
// allowed by its sha256 in the page's Content-Security-Policy, and reads everything it needs from the
// DOM. The page is complete without it: every check is visible and the filter bar stays hidden.
//
// Filters can be preset from the URL fragment, e.g. report.html#status=fail,error&severity=critical,high&q=aws
//   status:   comma list of fail, error, waived, pass, skipped
//   severity: comma list of critical, high, medium, low, info
//   q:        text that must appear in a check (case-insensitive)
// Changing a filter rewrites the fragment, so a filtered view can be bookmarked or shared.
import { createHash } from 'node:crypto';

export const FILTER_SCRIPT = `(function () {
  'use strict';
  var root = document.documentElement;
  var bar = document.getElementById('filters');
  var search = document.getElementById('filter-q');
  var shownText = document.getElementById('filter-shown');
  var reset = document.getElementById('filter-reset');
  var rows = [].slice.call(document.querySelectorAll('article.check'));
  var groups = [].slice.call(document.querySelectorAll('section.check-group'));
  var empty = document.getElementById('filter-empty');
  if (!bar || !search || !shownText || !reset || !empty) { root.dataset.ready = '1'; return; }
  function boxes(name) { return [].slice.call(bar.querySelectorAll('input[type=checkbox][name="' + name + '"]')); }
  function chosen(name) { return boxes(name).filter(function (box) { return box.checked; }).map(function (box) { return box.value; }); }
  function apply() {
    var statuses = chosen('status');
    var severities = chosen('severity');
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var visible = statuses.indexOf(row.dataset.status) >= 0 && severities.indexOf(row.dataset.severity) >= 0 &&
        (!query || row.textContent.toLowerCase().indexOf(query) >= 0);
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    groups.forEach(function (group) { group.hidden = !group.querySelector('article.check:not([hidden])'); });
    empty.hidden = shown > 0;
    shownText.textContent = shown === rows.length ? 'Showing all ' + rows.length + ' checks' : 'Showing ' + shown + ' of ' + rows.length + ' checks';
  }
  function readFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ''));
    ['status', 'severity'].forEach(function (name) {
      var value = params.get(name);
      if (value === null) return;
      var wanted = value.toLowerCase().split(',');
      var all = boxes(name);
      if (!all.some(function (box) { return wanted.indexOf(box.value) >= 0; })) return;
      all.forEach(function (box) { box.checked = wanted.indexOf(box.value) >= 0; });
    });
    var query = params.get('q');
    if (query !== null) search.value = query;
  }
  function writeFragment() {
    var params = new URLSearchParams();
    ['status', 'severity'].forEach(function (name) {
      if (chosen(name).length < boxes(name).length) params.set(name, chosen(name).join(','));
    });
    if (search.value.trim()) params.set('q', search.value.trim());
    var text = params.toString();
    try { history.replaceState(null, '', text ? '#' + text : location.pathname + location.search); } catch (error) { /* file: URLs in some browsers */ }
  }
  function changed() { apply(); writeFragment(); }
  bar.addEventListener('change', changed);
  search.addEventListener('input', changed);
  reset.addEventListener('click', function () {
    bar.querySelectorAll('input[type=checkbox]').forEach(function (box) { box.checked = true; });
    search.value = '';
    changed();
  });
  window.addEventListener('hashchange', function () { readFragment(); apply(); });
  readFragment();
  apply();
  bar.hidden = false;
  root.dataset.ready = '1';
})();`;

/** The CSP source that allows exactly FILTER_SCRIPT, and no other inline script. */
export const FILTER_SCRIPT_HASH = `sha256-${createHash('sha256').update(FILTER_SCRIPT, 'utf8').digest('base64')}`;
