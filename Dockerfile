# The Nianbao app: CLI and Streamlit UI, with the sample reports.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY indexer indexer
COPY graph graph
COPY ui ui
COPY data data
# Editable: the UI pages and data/ are read from /app, beside the packages.
RUN pip install --no-cache-dir -e .
ENV NIANBAO_DATA=/app/data
EXPOSE 8501
CMD ["nianbao", "ui", "--host", "0.0.0.0", "--port", "8501"]
