/* Vouch careers-page widget: testimonials of the people who work here, as accessible cards.
 *
 *   <script src="https://vouch.example/widget.js" data-key="vouch_live_…"
 *           data-topic="learning" data-language="en" data-team="" data-location=""
 *           data-limit="6" data-title="What our people say" data-target="#testimonials"></script>
 *
 * No dependency, no cookie, no inline HTML built from data: every text goes in with
 * textContent. The cards take the page's fonts and colours (font: inherit). The browser
 * keeps the answer as long as the API's Cache-Control says (under a minute), then asks again
 * with If-None-Match: a retracted testimonial is gone at the next load after that.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var attr = function (name) {
    var value = script.getAttribute("data-" + name);
    return value === null ? "" : value.trim();
  };
  var key = attr("key");
  var api = attr("api") || new URL(script.src, document.baseURI).origin;
  var params = new URLSearchParams();
  ["topic", "language", "team", "location", "limit"].forEach(function (name) {
    if (attr(name)) {
      params.set(name, attr(name));
    }
  });
  var title = attr("title") || "What our people say";

  var section = document.createElement("section");
  section.className = "vouch-testimonials";
  section.setAttribute("aria-label", title);
  section.setAttribute("aria-busy", "true");
  var heading = document.createElement("h2");
  heading.className = "vouch-testimonials__title";
  heading.textContent = title;
  section.appendChild(heading);

  var target = attr("target") ? document.querySelector(attr("target")) : null;
  if (target) {
    target.appendChild(section);
  } else {
    script.parentNode.insertBefore(section, script.nextSibling);
  }

  if (!document.getElementById("vouch-testimonials-style")) {
    var style = document.createElement("style");
    style.id = "vouch-testimonials-style";
    style.textContent =
      ".vouch-testimonials,.vouch-testimonials *{font:inherit;color:inherit;box-sizing:border-box}" +
      ".vouch-testimonials__title{font-weight:bold;font-size:1.25em;margin:0 0 .75em}" +
      ".vouch-testimonials__list{display:grid;gap:1em;grid-template-columns:repeat(auto-fill,minmax(16em,1fr));list-style:none;margin:0;padding:0}" +
      ".vouch-card{border:1px solid currentColor;border-radius:.5em;padding:1em;margin:0}" +
      ".vouch-card blockquote{margin:0 0 .75em;font-style:italic}" +
      ".vouch-card blockquote p{margin:0}" +
      ".vouch-card footer{display:flex;align-items:center;gap:.5em}" +
      ".vouch-card img{width:2.5em;height:2.5em;border-radius:50%;object-fit:cover}" +
      ".vouch-card cite{font-style:normal;font-weight:bold}" +
      ".vouch-card time,.vouch-card .vouch-card__role{display:block;font-size:.875em}";
    document.head.appendChild(style);
  }

  function card(item) {
    var article = document.createElement("article");
    article.className = "vouch-card";
    if (item.language) {
      article.setAttribute("lang", item.language);
    }
    var quote = document.createElement("blockquote");
    String(item.quote || "")
      .split(/\n{2,}/)
      .forEach(function (text) {
        var p = document.createElement("p");
        p.textContent = text;
        quote.appendChild(p);
      });
    article.appendChild(quote);

    var footer = document.createElement("footer");
    var author = item.author || {};
    if (author.photo_url) {
      var img = document.createElement("img");
      img.src = author.photo_url;
      // The name follows in <cite>: the photo adds nothing a screen reader should repeat.
      img.alt = "";
      img.loading = "lazy";
      img.referrerPolicy = "no-referrer";
      footer.appendChild(img);
    }
    var who = document.createElement("div");
    var cite = document.createElement("cite");
    cite.textContent = author.name || "";
    who.appendChild(cite);
    if (author.job_title) {
      var role = document.createElement("span");
      role.className = "vouch-card__role";
      role.textContent = author.job_title;
      who.appendChild(role);
    }
    if (item.date) {
      var time = document.createElement("time");
      time.dateTime = item.date;
      var date = new Date(item.date);
      time.textContent = isNaN(date) ? item.date : date.toLocaleDateString(document.documentElement.lang || undefined, { year: "numeric", month: "long" });
      who.appendChild(time);
    }
    footer.appendChild(who);
    article.appendChild(footer);
    return article;
  }

  function render(page) {
    var items = (page && page.items) || [];
    var list = document.createElement("ul");
    list.className = "vouch-testimonials__list";
    // Some screen readers drop list semantics once list-style is none; say it again.
    list.setAttribute("role", "list");
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.appendChild(card(item));
      list.appendChild(li);
    });
    section.appendChild(list);
    section.setAttribute("aria-busy", "false");
    if (items.length === 0) {
      section.hidden = true;
    }
  }

  var url = api + "/public/v1/testimonials" + (params.toString() ? "?" + params.toString() : "");
  fetch(url, { headers: { "X-Api-Key": key }, credentials: "omit", mode: "cors" })
    .then(function (res) {
      if (!res.ok) {
        throw new Error("Vouch testimonials: HTTP " + res.status);
      }
      return res.json();
    })
    .then(render)
    .catch(function (err) {
      section.hidden = true;
      section.setAttribute("aria-busy", "false");
      if (window.console) {
        window.console.warn(err);
      }
    });
})();
