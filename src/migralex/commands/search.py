"""``migralex search QUERY``: the search service from the command line."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "search",
        help="search the documents",
        description=(
            'Search the documents. Query language: words, "exact phrases", OR, -excluded, '
            "prefix*, type:decree country:MA theme:domestic-work group:labour "
            "year:2016..2020 lang:ar source:ID status:in-force."
        ),
    )
    parser.add_argument("query", nargs="+", help="the query (quote it in your shell)")
    parser.add_argument("--json", action="store_true", help="print the API's JSON shape")
    parser.add_argument(
        "--no-expand", action="store_true", help="no cross-lingual expansion through the thesaurus"
    )
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    parser.add_argument("--lang", choices=["fr", "en", "ar"], default=None, help="query language")
    parser.add_argument("--backend", choices=["tantivy", "postgres"], default=None)
    parser.add_argument(
        "--all", action="store_true", help="search every document (as an administrator)"
    )
    parser.set_defaults(func=run)


class _Administrator:
    """Stands for an administrator when ``--all`` is given (the CLI runs on the server)."""

    is_authenticated = True
    is_superuser = True


def run(args) -> int:
    from migralex.cli import CommandError
    from migralex.search import services

    if args.page < 1 or not 1 <= args.per_page <= 100:
        raise CommandError("--page must be >= 1 and --per-page between 1 and 100")
    results = services.search(
        " ".join(args.query),
        page=args.page,
        per_page=args.per_page,
        sort=args.sort,
        expand=not args.no_expand,
        lang=args.lang,
        user=_Administrator() if args.all else None,
        backend=services.get_backend(args.backend),
    )
    if args.json:
        print(json.dumps(services.results_as_dict(results), ensure_ascii=False))
        return 0
    if results.notice:
        print(f"note: {results.notice}")
    first = (results.page - 1) * results.per_page
    print(
        f"{results.count} documents"
        + (f", {first + 1}-{first + len(results.results)}" if results.results else "")
    )
    for n, hit in enumerate(results.results, start=first + 1):
        print(
            f"{n:>4}. [{hit.document_id}] {hit.title}  ({hit.doc_type}, {hit.country}, {hit.date or 'no date'})"
        )
        text = hit.snippet_html.replace("<mark>", "[").replace("</mark>", "]")
        print(f"      {_unescape(text)}")
    return 0


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)
