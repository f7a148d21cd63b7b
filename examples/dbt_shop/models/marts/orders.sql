{% set payment_methods = var('payment_methods') %}

with orders as (
    select * from {{ ref('stg_orders') }}
),

payments as (
    select * from {{ ref('int_order_payments') }}
)

select
    orders.order_id,
    orders.customer_id,
    orders.order_date,
    orders.status,
    {{ is_completed('orders.status') }} as is_completed,
    {% for method in payment_methods -%}
    coalesce(payments.{{ method }}_amount, 0) as {{ method }}_amount,
    {% endfor -%}
    coalesce(payments.amount, 0) as amount
from orders
left join payments using (order_id)
